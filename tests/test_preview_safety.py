"""The preview server against hostile requests and a hostile machine: pages of other sites
(DNS rebinding), silent or too many connections, malformed reload requests, a content
folder that disappears, and a preview killed with `kill -9`."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.commands.serve import HostNames, _Server
from tests.projects import copy_sample
from tests.test_preview import _get, _output, _start_preview, _stop


def _ask(url: str, *, host: str | None = None) -> tuple[int, str]:
    """Status and text of a GET of ``url`` sent with ``host`` as its Host header."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as failure:
        return failure.code, failure.read().decode("utf-8")


def _port(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def _raw(port: int, request: bytes) -> str:
    """The whole answer to ``request`` sent as it is; the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`kb serve` on a copy of the sample project, shared by the module's tests: one that
    changes the content puts it back, and waits until the preview has logged that update."""
    project = copy_sample(tmp_path_factory.mktemp("shared-preview"))
    url, server = _start_preview(project)
    yield url, project
    _stop(server)


def test_pages_of_other_sites_cannot_read_the_preview_through_a_name_of_theirs(
    shared_preview,
) -> None:
    """A request for another name (a rebinding page's) gets a Chinese 403 and none of the
    site, the reload answer included; one without a name a 400; this computer's names work."""
    url, _ = shared_preview
    port = _port(url)
    for path in ("", "cases/river-community/", ".kb-preview/wait?since=0", "search/manifest.js"):
        status, text = _ask(url + path, host=f"attacker.example:{port}")
        assert status == 403, path
        assert "预览服务器只接受以本机地址（127.0.0.1、localhost）访问" in text
        assert "样例知识库" not in text and "河畔社区" not in text
    answer = _raw(port, b"GET / HTTP/1.0\r\n\r\n")
    assert answer.startswith("HTTP/1.0 400") and "没有写明要访问的地址（Host）" in answer
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST.:{port}"):
        status, text = _ask(url, host=host)
        assert status == 200 and "样例知识库" in text, host


@pytest.mark.parametrize(
    ("listening", "accepted", "refused"),
    [
        (
            "127.0.0.1",
            ["localhost", "127.0.0.1:8000", "[::1]:8000"],
            ["10.0.0.5:8000", "kb.example"],
        ),
        ("localhost", ["localhost:8000", "127.0.0.1"], ["attacker.example:8000"]),
        ("192.168.1.20", ["192.168.1.20:8000", "localhost:8000"], ["192.168.1.21", "a.example"]),
        ("kb-pc", ["kb-pc:8000", "KB-PC", "localhost"], ["kb-pc.attacker.example"]),
        ("0.0.0.0", ["192.168.1.20:8000", "[fe80::1]:8000", "localhost"], ["attacker.example"]),
    ],
)
def test_the_names_accepted_follow_the_address_given_with_a(
    listening: str, accepted: list[str], refused: list[str]
) -> None:
    """`-a` naming another address adds it; listening on every address accepts any IP
    address (a rebinding page has only names to offer), never another name."""
    names = HostNames(listening)
    assert [host for host in accepted if names.refusal(host) is not None] == []
    assert [names.refusal(host)[0] for host in refused] == [403] * len(refused)  # type: ignore[index]
    for broken in ("", "a:b:c", "[::1", "[::1]x", "localhost:８０", "localhost:x"):
        refusal = names.refusal(broken)
        assert refusal is not None and refusal[0] == 400, broken


_MALFORMED_SINCE = {
    "superscript-two": "%C2%B2",
    "circled-one": "%E2%91%A0",
    "full-width-one": "%EF%BC%91",
    "five-thousand-digits": "9" * 5000,
    "negative": "-1",
    "empty": "",
    "fraction": "1.5",
}


@pytest.mark.parametrize("since", _MALFORMED_SINCE.values(), ids=_MALFORMED_SINCE.keys())
def test_a_malformed_reload_request_gets_a_chinese_400(shared_preview, since: str) -> None:
    """'²', '①', a full-width digit or 5,000 digits in the reload request is answered 400 in
    Chinese, not by a dropped connection; the preview goes on answering."""
    url, project = shared_preview
    status, text = _ask(f"{url}.kb-preview/wait?since={since}")
    assert status == 400 and "since 应为数字" in text
    assert _get(url)[0] == 200
    assert "Traceback" not in _output(project)


def _folder_server(folder: Path) -> _Server:
    """The preview's server class serving ``folder`` (an index.html saying "ok")."""
    (folder / "index.html").write_text("ok", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    return _Server(("127.0.0.1", 0), handler)


@pytest.fixture
def small_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[int]:
    """The preview's server class, holding at most two connections and closing one that
    stays silent for half a second, serving a folder; yields its port."""
    monkeypatch.setattr(_Server, "max_connections", 2)
    monkeypatch.setattr(_Server, "idle_seconds", 0.5)
    server = _folder_server(tmp_path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes ``sock`` (within the client's 30 seconds)."""
    sock.settimeout(30)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False


def test_a_silent_connection_is_closed(small_server: int) -> None:
    """A connection that sends nothing is closed by the server instead of holding a thread."""
    with socket.create_connection(("127.0.0.1", small_server)) as silent:
        assert _closed_by_server(silent)
    with socket.create_connection(("127.0.0.1", small_server)) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\n")  # a request line, then nothing more
        assert _closed_by_server(slow)


def test_connections_past_the_limit_are_closed_until_one_ends(small_server: int) -> None:
    """With the limit held by silent connections, another is closed at once; when they
    end, requests are answered again."""
    held = [socket.create_connection(("127.0.0.1", small_server)) for _ in range(2)]
    try:
        with socket.create_connection(("127.0.0.1", small_server)) as extra:
            extra.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            assert _closed_by_server(extra)
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{small_server}/", timeout=30) as answer:
                assert answer.read() == b"ok"
                break
        except (ConnectionError, urllib.error.URLError):  # the slots are being given back
            assert time.monotonic() < deadline, "the server never took requests again"


def test_connections_a_busy_server_has_not_taken_yet_wait_for_it(tmp_path: Path) -> None:
    """A browser asks for a page's files over many connections at once. While the server is
    too busy to take them (here: not taking any yet), they wait in the system's queue and are
    all answered, instead of being dropped for the browser to try again seconds later."""
    server = _folder_server(tmp_path)
    port = server.server_address[1]
    waiting = []
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        for _ in range(40):  # the files of a few pages
            # Connected at once while the server is not taking connections: queued.
            waiting.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        serving.start()
        for sock in waiting:
            sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in waiting:
            sock.settimeout(30)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"ok"), answer
    finally:
        for sock in waiting:
            sock.close()
        if serving.is_alive():
            server.shutdown()
        server.server_close()


def test_a_stop_signal_while_a_connection_is_taken_still_stops_the_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl+C (or a stop signal) arriving just after a connection's thread started ends
    the server loop; the connection's place is given back once, by its thread."""
    server = _folder_server(tmp_path)
    start = threading.Thread.start

    def started_then_interrupted(thread: threading.Thread) -> None:
        start(thread)
        thread.join()  # the connection is answered and its thread is done
        raise KeyboardInterrupt

    try:
        with socket.create_connection(server.server_address) as client:
            client.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            monkeypatch.setattr(threading.Thread, "start", started_then_interrupted)
            with pytest.raises(KeyboardInterrupt):
                server._handle_request_noblock()  # one turn of serve_forever's loop
            monkeypatch.undo()
            assert client.recv(65536).startswith(b"HTTP/1.0 200")
        held = [server._slots.acquire(blocking=False) for _ in range(server.max_connections)]
        assert all(held) and not server._slots.acquire(blocking=False)
    finally:
        server.server_close()


def _wait_for(url: str, condition, what: str) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while True:
        text = _get(url)[1]
        if condition(text):
            return text
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def _log_size(project: Path) -> int:
    """Where the preview's output ends now: what a test's own edits make it say comes after."""
    return (project / "preview.log").stat().st_size


def _said_since(project: Path, start: int) -> str:
    """What the shared preview has said since ``start`` (see :func:`_log_size`)."""
    with (project / "preview.log").open("rb") as log:
        log.seek(start)
        return log.read().decode("utf-8", errors="replace")


def _wait_for_log(project: Path, start: int, condition) -> None:  # type: ignore[no-untyped-def]
    """Wait until what the preview said since ``start`` meets ``condition`` (a whole update
    is logged once it is done, its search index included)."""
    deadline = time.monotonic() + 60
    while not condition(_said_since(project, start)):
        assert time.monotonic() < deadline, _said_since(project, start)
        time.sleep(0.1)


def _put_back(project: Path, path: Path, text: str, url: str, shown: Callable[[str], bool]) -> None:
    """Save ``text`` into ``path`` again, as an editor saves (a new file renamed over the
    old), then wait until the page at ``url`` is ``shown`` so and the update is logged: the
    next test finds the shared preview as it was, with nothing more to say."""
    start = _log_size(project)
    saved = path.with_name(f".{path.name}.tmp")
    saved.write_text(text, encoding="utf-8")
    os.replace(saved, path)
    _wait_for(url, shown, f"{path.name} was put back but never shown")
    _wait_for_log(project, start, lambda log: "预览已更新" in log)


@pytest.mark.parametrize("how", ["deleted", "moved away"])
def test_a_content_folder_that_disappears_is_shown_and_followed_when_it_is_back(
    shared_preview, tmp_path: Path, how: str
) -> None:
    """While content/ is gone every page says so above the last pages; once it is back
    the preview is current again and follows edits as before."""
    url, project = shared_preview
    start = _log_size(project)
    content, kept = project / "content", tmp_path / "kept-content"
    entry = content / "cases" / "river-community.yml"
    original = entry.read_text("utf-8")
    page = url + "cases/river-community/"
    try:
        if how == "deleted":
            shutil.copytree(content, kept)
            shutil.rmtree(content)
        else:
            content.rename(kept)
        text = _wait_for(
            page, lambda t: "找不到内容目录 content/" in t, "no banner while it is gone"
        )
        assert "河畔社区：每月两次中心组学习" in text  # the last pages, with the banner
        if how == "deleted":
            shutil.copytree(kept, content)
        else:
            kept.rename(content)
        _wait_for(page, lambda t: "kb-problems" not in t, "the banner stayed after it came back")
        _wait_for_log(project, start, lambda log: "预览已更新：全部重新生成" in log)
        updates = _said_since(project, start).count("预览已更新")
        entry.write_text(original.replace("每月两次中心组学习", "夜校轮讲制度", 1), "utf-8")
        _wait_for(page, lambda t: "河畔社区：夜校轮讲制度" in t, "an edit after it came back")
        _wait_for_log(  # search index too
            project, start, lambda log: log.count("预览已更新") > updates
        )
        assert "Traceback" not in _output(project)
    finally:
        if not content.exists():  # for the tests after this one
            shutil.copytree(kept, content)
    _put_back(project, entry, original, page, lambda t: "河畔社区：每月两次中心组学习" in t)


def _own_temp_folders(temp: Path) -> set[str]:
    return {
        p.name
        for p in temp.iterdir()
        if p.name.startswith(("kb-preview-", "kb-docs-", "kb-search-"))
    }


def test_folders_left_by_a_killed_preview_are_removed_by_the_next(
    sample_project: Path, tmp_path: Path
) -> None:
    """After `kill -9` the preview's temporary folders stay; the next preview removes them,
    and only them: a running process's folders and others' are kept."""
    temp = tmp_path / "temp"
    temp.mkdir()
    _, killed = _start_preview(sample_project, temp=temp)
    left = _own_temp_folders(temp)
    assert {name.split("-")[1] for name in left} == {"preview", "docs", "search"}
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert _own_temp_folders(temp) == left
    running = temp / f"kb-preview-{os.getpid()}-running"  # this test's process: alive
    unrelated = [temp / "kb-preview-oldstyle", temp / "kb-docs-notapid-x", temp / "other-1-x"]
    for folder in (running, *unrelated):
        folder.mkdir()
    _, server = _start_preview(sample_project, temp=temp)
    try:
        now = _own_temp_folders(temp)
        assert not now & left
        assert {f"kb-preview-{server.pid}", f"kb-docs-{server.pid}"} <= {
            name.rsplit("-", 1)[0] for name in now
        }
        assert all(folder.is_dir() for folder in (running, *unrelated))
    finally:
        _stop(server)
    assert not [name for name in _own_temp_folders(temp) if f"-{server.pid}-" in name]


def test_saving_a_file_at_the_top_of_the_content_folder_is_not_taken_for_a_new_folder(
    shared_preview,
) -> None:
    """An editor saving taxonomy.yml (a new file renamed over the old) changes the content
    folder's listing; the preview updates what changed, as for any edit, and rebuilds
    nothing else."""
    url, project = shared_preview
    start = _log_size(project)
    taxonomy = project / "content" / "taxonomy.yml"
    original = taxonomy.read_text("utf-8")
    saved = taxonomy.with_name(".taxonomy.yml.tmp")
    saved.write_text(original.replace("城市社区", "城市社区党组织", 1), "utf-8")
    os.replace(saved, taxonomy)
    _wait_for(url + "org-types/", lambda t: "城市社区党组织" in t, "the taxonomy edit never showed")
    _wait_for_log(project, start, lambda log: "预览已更新" in log)  # logged once it is done
    updates = [line for line in _said_since(project, start).splitlines() if "预览已更新" in line]
    assert not [line for line in updates if "全部重新生成" in line], updates
    _put_back(project, taxonomy, original, url + "org-types/", lambda t: "城市社区党组织" not in t)
