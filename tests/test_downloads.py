"""nnlib.downloads: checked downloads from a local test server, kept whole or not at all."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from nnlib.downloads import ChecksumError, DownloadError, download_mnist
from nnlib.idx import read_idx

from fake_mnist import NAMES, fake_set, sha256
from teacher_modules import ROOT, load_script

# Offline and fast: the files come from an HTTP server on 127.0.0.1 serving small fake IDX
# files, whose checksums are passed in through the ``files=`` and ``mirrors=`` parameters.


def leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir()) if Path(folder).exists() else []


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.files``; ``server.modes[name]`` is ok, corrupt, drop or missing."""

    def do_GET(self):
        self.server.requests.append(self.path)
        name = self.path.rsplit("/", 1)[-1]
        body = self.server.files.get(name)
        mode = self.server.modes.get(name, "ok")
        if body is None or mode == "missing" or self.path.startswith("/gone/"):
            self.send_error(404)
            return
        if mode == "corrupt":
            body = body[:-1] + bytes([body[-1] ^ 0xFF])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "drop":  # announce the whole file, send half, hang up
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.modes, httpd.requests = {}, {}, []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/mnist/"
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def served(server, tmp_path):
    """The server loaded with a fake set; returns (server, infos, arrays)."""
    infos, arrays = fake_set(tmp_path / "source")
    server.files = {info.name: (tmp_path / "source" / info.name).read_bytes() for info in infos}
    return server, infos, arrays


def test_download_saves_verified_files(served, tmp_path):
    server, infos, arrays = served
    target = tmp_path / "data"
    done = download_mnist(target, mirrors=[server.url], files=infos, progress=False)
    assert [p.name for p in done] == list(NAMES)
    assert set(done.values()) == {"downloaded"}
    assert leftovers(target) == sorted(NAMES)
    for name, array in arrays.items():
        np.testing.assert_array_equal(read_idx(target / name), array)


def test_download_keeps_good_files_and_replaces_corrupt_ones(served, tmp_path, monkeypatch):
    monkeypatch.setenv("NNLIB_PROGRESS", "0")
    server, infos, _ = served
    target = tmp_path / "data"
    download_mnist(target, mirrors=[server.url], files=infos, progress=True)
    (target / NAMES[2]).write_bytes(b"damaged")
    server.requests.clear()
    done = download_mnist(target, mirrors=[server.url], files=infos, progress=True)
    assert server.requests == ["/mnist/" + NAMES[2]]
    assert done[target / NAMES[0]].startswith("already present")
    assert "failed its SHA-256 check" in done[target / NAMES[2]]
    assert sha256((target / NAMES[2]).read_bytes()) == infos[2].sha256
    assert leftovers(target) == sorted(NAMES)


def test_download_checksum_mismatch_leaves_nothing(served, tmp_path):
    server, infos, _ = served
    server.modes[NAMES[0]] = "corrupt"
    target = tmp_path / "data"
    with pytest.raises(ChecksumError) as caught:
        download_mnist(target, mirrors=[server.url], files=infos[:1], progress=False)
    message = str(caught.value)
    assert NAMES[0] in message and infos[0].sha256 in message
    assert sha256(server.files[NAMES[0]][:-1] + bytes([server.files[NAMES[0]][-1] ^ 0xFF])) \
        in message
    assert leftovers(target) == []


def test_download_cut_mid_file_leaves_no_partial_file(served, tmp_path):
    server, infos, _ = served
    server.modes[NAMES[0]] = "drop"
    target = tmp_path / "data"
    with pytest.raises(DownloadError, match=NAMES[0]):
        download_mnist(target, mirrors=[server.url], files=infos[:1], progress=False)
    assert leftovers(target) == []


def test_download_cut_mid_file_keeps_the_old_file_untouched(served, tmp_path):
    server, infos, _ = served
    target = tmp_path / "data"
    target.mkdir()
    (target / NAMES[0]).write_bytes(b"old, corrupt copy")
    server.modes[NAMES[0]] = "drop"
    with pytest.raises(DownloadError):
        download_mnist(target, mirrors=[server.url], files=infos[:1], progress=False)
    assert leftovers(target) == [NAMES[0]]
    assert (target / NAMES[0]).read_bytes() == b"old, corrupt copy"


def test_download_tries_mirrors_in_order(served, tmp_path):
    server, infos, _ = served
    dead = server.url.replace("/mnist/", "/gone/")
    done = download_mnist(tmp_path / "d", mirrors=[dead, server.url], files=infos[:1],
                          progress=False)
    assert list(done.values()) == ["downloaded"]
    assert server.requests == ["/gone/" + NAMES[0], "/mnist/" + NAMES[0]]


def test_download_all_mirrors_failing(served, tmp_path):
    server, infos, _ = served
    server.modes[NAMES[1]] = "missing"
    with pytest.raises(DownloadError, match=r"could not download train-labels.*404"):
        download_mnist(tmp_path / "d", mirrors=[server.url], files=infos, progress=False)
    assert leftovers(tmp_path / "d") == [NAMES[0]]  # the file before it arrived whole


def test_fashion_downloads_into_its_own_folder(served, tmp_path):
    server, infos, _ = served
    done = download_mnist(tmp_path, kind="fashion", mirrors=[server.url], files=infos,
                          progress=False)
    assert {p.parent for p in done} == {tmp_path / "fashion-mnist"}


def test_data_dir_from_environment(served, tmp_path, monkeypatch):
    server, infos, _ = served
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path / "from-env"))
    done = download_mnist(mirrors=[server.url], files=infos[:1], progress=False)
    assert list(done) == [tmp_path / "from-env" / NAMES[0]]


def test_fetch_data_script_reports_errors_without_traceback(served, tmp_path, capsys):
    server, _, _ = served
    fetch_data = load_script(ROOT / "scripts" / "fetch_data.py", "fetch_data")
    # The fake files cannot match the published MNIST checksums: a clean failure.
    status = fetch_data.main(["--data-dir", str(tmp_path / "d"), "--mirror", server.url,
                              "--no-progress"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("fetch_data: error:") and "SHA-256" in err
    assert "Traceback" not in err
    assert leftovers(tmp_path / "d") == []
