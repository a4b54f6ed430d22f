"""The editors' form (投稿与修改): what the site carries so that an entry can be written,
checked and corrected in the browser, with no tools installed.

- :mod:`.describe`: the model and the taxonomy, as the form page's JSON, and the schemas
  and wording it checks with;
- :mod:`.data`: what the form checks with and what the checks across entries compare
  (ids, titles, near-duplicates), written as small script files loaded only when the
  form needs them;
- :mod:`generator.emit`: the file text the form produces, which the browser writes the
  same way.
"""

from __future__ import annotations

from markupsafe import Markup
from pydantic import BaseModel

from generator.form.describe import form_model, script_json
from generator.index import Pack
from generator.model import Entry, PackItem, StudyPack, Taxon, Taxonomy


def form_description(themes: list[Taxon], org_types: list[Taxon]) -> Markup:
    """The form page's description of the model (:func:`.describe.form_model`), for a template.

    Takes the taxonomy's two lists as the page reads them from the site index, so that a
    preview renders the form again when the taxonomy changes."""
    return script_json(form_model(Taxonomy(themes=themes, org_types=org_types)))


def entry_source(entry: Entry | Pack) -> Markup:
    """An entry's (or a study pack's) values as the form holds them, for its page's
    修改此条目: what the model read from its file, without the values a file may leave out."""
    model = entry if isinstance(entry, BaseModel) else _pack_model(entry)
    return script_json(model.model_dump(mode="json", exclude_defaults=True))


def _pack_model(pack: Pack) -> StudyPack:
    """The study pack the index's plain copy was made from (:meth:`Pack.from_model`)."""
    return StudyPack(
        id=pack.id,
        kind="pack",
        title=pack.title,
        summary=pack.summary,
        occasion=pack.occasion,
        length=pack.length,
        introduction=pack.introduction,
        entries=[PackItem(entry=item.entry_id, note=item.note) for item in pack.items],
        questions=list(pack.questions),
        self_test=list(pack.self_test),
    )
