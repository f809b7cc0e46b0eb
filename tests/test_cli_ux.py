"""What a new user tripped over on the command line (issue 18), run as they ran it: the real
`pressroom` in a subprocess on corpus files. Each test fails on the main before the fix.

Exit codes as documented in `pressroom --help`: 0 done, 1 rejected, 2 usage or configuration
error, 3 infrastructure fault, 130 interrupted."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ANSI_COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-7]|9[0-7]|38;5;\d+|38;2;[\d;]+)m")


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        stderr_tty: bool = False, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """`pressroom ARGS`; stderr_tty: stderr on a pseudo-terminal (as in a shell), stdout piped."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_")}
    full.update(env or {})
    cmd = [sys.executable, "-m", "pressroom", *args]
    if not stderr_tty:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              env=full)  # fmt: skip
    main, sub = pty.openpty()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=sub, text=True,
                              timeout=timeout, cwd=cwd, env=full)  # fmt: skip
    finally:
        os.close(sub)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return subprocess.CompletedProcess(cmd, proc.returncode, proc.stdout,
                                       b"".join(chunks).decode(errors="replace"))  # fmt: skip


def path_column(line: str) -> int:
    return line.index("/")


# -- validate / ingest: input order, aligned columns, medians, numbers ------------------------


def test_validate_prints_in_input_order_with_aligned_columns(corpus: Path) -> None:
    # A slow 12-MP decode first, then quick rejects and a small accept: with two workers the
    # rejects finish first; the lines must still come in the order given.
    inputs = [
        corpus / "big/jolla.jpg",
        corpus / "notimage/xss.html",
        corpus / "invalid/truncated_jpeg.jpg",
        corpus / "valid/png/pil168.png",
        corpus / "notimage/hopper.gif",
    ]
    r = cli("validate", "--workers", "2", *map(str, inputs))
    assert r.returncode == 1, r.stderr  # rejects: exit 1
    lines = r.stdout.splitlines()
    files = lines[: len(inputs)]
    assert [line.split()[-1] if line.startswith("accept") else None for line in files] == [
        str(inputs[0]), None, None, str(inputs[3]), None
    ]
    assert [next(str(p) for p in inputs if str(p) in line) for line in files] == list(
        map(str, inputs)
    )
    assert len({path_column(line) for line in files}) == 1, files  # one column for paths
    assert lines[len(inputs)] == "5 files: 2 accepted, 3 rejected"
    # Per reason: how many, and what to do (the registry's words).
    assert any(line.strip().startswith("1 truncated: Usually an interrupted upload")
               for line in lines)  # fmt: skip
    assert re.search(r"median \d+ ms per accepted file, median \d+ ms per rejected file",
                     r.stdout)  # fmt: skip


def test_too_many_pixels_says_the_numbers_in_text_and_json(corpus: Path) -> None:
    f = str(corpus / "big/jolla.jpg")
    text = cli("validate", "--max-pixels", "1000000", f)
    assert "3264x2448 is 8.0 MP, over the 1 MP limit" in text.stdout
    obj = json.loads(cli("validate", "--json", "--max-pixels", "1000000", f).stdout)
    assert obj["reason"] == "too_many_pixels"
    assert obj["message"] == (
        "The image has too many pixels: 3264x2448 is 8.0 MP, over the 1 MP limit."
    )


def test_ingest_summary_splits_accept_and_reject_medians(corpus: Path, tmp_path: Path) -> None:
    r = cli("ingest", "--no-tags", "--data", str(tmp_path / "d"),
            str(corpus / "people/obama_portrait.jpg"),
            str(corpus / "notimage/xss.html"))  # fmt: skip
    assert r.returncode == 1
    first, second = r.stdout.splitlines()[:2]
    assert first.startswith("uploaded") and "obama_portrait.jpg" in first
    assert second.startswith("rejected") and "xss.html" in second
    assert path_column(first) == path_column(second)
    assert "per accepted file" in r.stdout and "per rejected file" in r.stdout
    assert "Ask them to choose the photo itself" in r.stdout  # what to do, from the registry


def test_results_stay_on_stdout_when_a_terminal_shows_the_bar(corpus: Path) -> None:
    """`pressroom validate DIR > results.txt` in a shell: the bar draws on the terminal
    (stderr), every result line still goes to the file."""
    r = cli("validate", str(corpus / "valid/webp"), stderr_tty=True)
    assert r.returncode == 0, r.stderr
    assert sum(line.startswith("accept") for line in r.stdout.splitlines()) == 4
    assert "accept" not in r.stderr


def test_no_color_and_quiet(corpus: Path) -> None:
    files = [str(corpus / "valid/webp")]
    coloured = cli("validate", *files, stderr_tty=True, env={"FORCE_COLOR": "1"})
    assert ANSI_COLOUR.search(coloured.stderr)  # the bar is coloured on a terminal...
    plain = cli("validate", *files, stderr_tty=True, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.returncode == 0 and not ANSI_COLOUR.search(plain.stderr + plain.stdout)
    quiet = cli("validate", "--quiet", *files, stderr_tty=True)
    assert quiet.stdout.splitlines() and all(
        line.startswith("accept") for line in quiet.stdout.splitlines()
    )  # results only: no summary, no medians
    assert "validating" not in quiet.stderr  # no progress bar
    assert cli("-q", "validate", *files).stdout == quiet.stdout


# -- exit codes: configuration 2, reject 1, infrastructure 3 -----------------------------------


def test_configuration_error_exits_2_naming_the_setting() -> None:
    r = cli("sign", "--width", "400", "abc", env={"PRESSROOM_SIGNING_KEY": "nothex"})
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "pressroom sign: PRESSROOM_SIGNING_KEY is not valid: it must be hex digits "
        "(comma-separated keys for rotation: the first signs, any verifies)."
    )
    r = cli("validate", "x", env={"PRESSROOM_MAX_PIXELS": "lots"})
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "pressroom validate: PRESSROOM_MAX_PIXELS is not valid: it must be a whole number."
    )


def test_infrastructure_fault_exits_3_in_one_line(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = cli("ingest", "--no-tags", "--data", str(blocker / "data"),
            str(corpus / "people/obama_portrait.jpg"))  # fmt: skip
    assert r.returncode == 3
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "infrastructure fault" in r.stderr


def test_exit_codes_are_documented_in_help() -> None:
    out = cli("--help").stdout
    for code, words in (("0", "done"), ("1", "rejected"), ("2", "configuration error"),
                        ("3", "infrastructure fault"), ("130", "interrupted")):  # fmt: skip
        assert re.search(rf"^\s+{code}\s+.*{words}", out, re.M), (code, out)


# -- sign --------------------------------------------------------------------------------------


def test_sign_takes_w_and_h_and_lists_the_allowed_sizes() -> None:
    env = {"PRESSROOM_ALLOW_UNSIGNED": "1"}
    r = cli("sign", "-w", "400", "-h", "300", "photo1", env=env)
    assert r.returncode == 0 and r.stdout.strip() == "/_/w:400/h:300/photo1"
    bad = cli("sign", "-w", "100", "photo1", env=env)
    assert bad.returncode == 2
    assert "size 100 is not allowed" in bad.stderr and "96, 128" in bad.stderr
    assert "96, 128" in cli("sign", "--help").stdout


# -- curate ------------------------------------------------------------------------------------


def test_curate_dates_events_and_numbers_faces_from_1(corpus: Path) -> None:
    r = cli("curate", "--workers", "2", str(corpus / "people"))
    assert r.returncode == 1  # PEOPLE.tsv is rejected; the rest is curated
    assert r.stdout.splitlines()[0].startswith("reject") and "PEOPLE.tsv" in r.stdout
    assert re.search(r"event 1: 2010-05-10 10:04(:?.*)?, 2 photos", r.stdout), r.stdout
    assert "no capture date, 2 photos" in r.stdout
    assert "obama_biden.jpg face 1" in r.stdout and "obama_biden.jpg face 2" in r.stdout
    assert "#0" not in r.stdout
    assert "too_small: too few pixels for a sharp print" in r.stdout  # explained


def test_curate_json_is_what_its_help_says(corpus: Path) -> None:
    assert "print one JSON object" in cli("curate", "--help").stdout
    r = cli("curate", "--json", str(corpus / "people/obama_standing.jpg"),
            str(corpus / "people/biden_standing.jpg"))  # fmt: skip
    (obj,) = [json.loads(line) for line in r.stdout.splitlines()]
    assert obj["event_dates"] == [["2010-05-10T10:04:04", "2010-05-10T10:04:04"]] or \
        obj["event_dates"][0][0].startswith("2010-05-10")
    assert set(obj) >= {"picks", "duplicates", "events", "event_dates", "people", "rejected"}


def test_curate_unknown_id_names_where_it_looked_and_creates_nothing(tmp_path: Path) -> None:
    r = cli("curate", "abcdef123456", cwd=tmp_path)
    assert r.returncode == 1
    assert "no catalogue at ./pressroom-data/catalogue.sqlite3" in r.stdout
    assert "--data" in r.stdout
    assert not (tmp_path / "pressroom-data").exists()  # nothing created just to look


# -- serve -------------------------------------------------------------------------------------


def test_serve_help_mentions_the_console() -> None:
    out = cli("serve", "--help").stdout
    assert "console" in out and "PRESSROOM_CONSOLE_TOKEN" in out


def test_serve_with_the_port_taken_says_so_before_any_url() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = cli("serve", "--port", str(port), timeout=60)
    assert r.returncode == 3
    assert "http://" not in r.stdout
    assert r.stderr.strip() == (
        f"pressroom serve: port {port} on 127.0.0.1 is already in use (another `pressroom "
        "serve`?); stop it or choose another with --port"
    )


def test_serve_prints_the_console_url(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_")}
    env["PRESSROOM_CONSOLE_TOKEN"] = "t0ken"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pressroom", "serve", "--port", str(port), "--data",
         str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert lines[0].startswith("thumbnails  ") and f"http://127.0.0.1:{port}/health" in lines[0]
    assert lines[1].startswith(f"console     http://127.0.0.1:{port}/console/")


# -- preflight ---------------------------------------------------------------------------------


def test_preflight_text_has_no_none_and_says_1_page(corpus: Path) -> None:
    r = cli("preflight", "--product", "photobook-21x21", str(corpus / "notimage/trailer_loop.pdf"))
    assert r.returncode == 1
    assert "None" not in r.stdout and "1 pages" not in r.stdout
    assert "(not PDF/X, 1 page," in r.stdout and "no trim box" in r.stdout


# -- books and print jobs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def prints(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, str]:
    """6x4 prints from two portrait photos and the people folder's PEOPLE.tsv."""
    root = tmp_path_factory.mktemp("prints")
    r = cli("book", "--product", "print-6x4", "--data", str(root / "data"), "-o",
            str(root / "prints.pdf"), "--previews", str(root / "previews"),
            str(corpus / "people/obama_portrait.jpg"),
            str(corpus / "people/PEOPLE.tsv"),
            str(corpus / "people/obama_standing.jpg"))  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    return root, r.stdout


def test_book_counts_inputs_and_says_what_was_left_out(prints: tuple[Path, str]) -> None:
    _, out = prints
    assert "designed  2 pages of print-6x4 with 2 of the 3 inputs" in out
    assert "left out  1 not_an_image (rejected at upload)" in out


def test_print_files_title_and_preview_resolution(prints: tuple[Path, str]) -> None:
    import pikepdf
    from PIL import Image

    root, _ = prints
    with pikepdf.open(root / "prints.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "Photo print 6 x 4 in"  # not empty
    for png in sorted((root / "previews").glob("*.png")):
        with Image.open(png) as im:
            dpi = im.info["dpi"]
            # 152.4 x 101.6 mm + 3 mm bleed each side, at the preview's real ppi.
            assert abs(max(im.size) / ((152.4 + 6) / 25.4) - dpi[0]) < 1, (png, dpi, im.size)
            assert dpi[0] > 50  # not libvips' 1 px/mm (25.4 dpi)


def test_preflight_one_line_per_cause(prints: tuple[Path, str]) -> None:
    root, _ = prints
    r = cli("preflight", "--product", "print-7x5", str(root / "prints.pdf"))
    size = [line for line in r.stdout.splitlines() if " size " in line]
    assert len(size) == 1, r.stdout  # both pages are the wrong size: said once
    assert r.stdout.count("trim 101.6 x 152.4 mm, bleed 3 mm") == 1  # sizes once, too


def test_design_failures_say_why_without_repeating_the_code(corpus: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    short = cli("book", "--product", "photobook-21x21", "--data", data, "-o",
                str(tmp_path / "b.pdf"), str(corpus / "people/obama_portrait.jpg"))  # fmt: skip
    assert short.returncode == 1
    line = short.stdout.strip().splitlines()[-1]
    assert line.startswith("not designed (not_enough_photos): photobook-21x21 needs at least")
    assert line.count("not_enough_photos") == 1 and "pad=True" not in line
    assert "allow blank pages (--pad)" in line and "1 usable photo fills 2 pages:" in line

    none = cli("book", "--product", "photobook-21x21", "--data", data, "-o",
               str(tmp_path / "c.pdf"), str(corpus / "notimage/xss.html"),
               str(corpus / "notimage/hopper.gif"))  # fmt: skip
    assert none.returncode == 1
    assert ("None of the 2 photos can go into the book (2 rejected at upload "
            "(not_an_image, unsupported_format))") in none.stdout, none.stdout


def test_print_batch_survives_a_bad_job(corpus: Path, tmp_path: Path) -> None:
    photo = str(corpus / "people/obama_portrait.jpg")
    jobs = tmp_path / "jobs.json"
    jobs.write_text(json.dumps([
        {"photos": [photo]},  # no product: this job fails, alone
        {"product": "print-6x4", "photos": [photo]},  # no output: it is not required
    ]))  # fmt: skip
    r = cli("print", str(jobs), "--data", str(tmp_path / "data"))
    assert r.returncode == 1  # one job failed
    lines = r.stdout.splitlines()
    assert lines[0].startswith("failed") and lines[1].startswith("ready")  # the list's order
    bad = next(line for line in lines if line.startswith("failed"))
    assert "job-1" in bad and "job 1 of jobs.json needs a design, or a product and photos" in bad
    ok = next(line for line in lines if line.startswith("ready"))
    assert "job-2" in ok and "1 page " in ok and (tmp_path / "job-2.pdf").is_file()


# -- help and completion -----------------------------------------------------------------------


def test_every_command_has_a_description() -> None:
    from pressroom.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        assert p.description, f"`pressroom {name} --help` has no description"


def test_bash_completion_is_generated_from_the_parser() -> None:
    bash = shutil.which("bash")
    assert bash, "bash is needed: apt-get install -y bash"
    script = cli("completion", "bash").stdout

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in words)
        run = (f"{script}\nCOMP_WORDS=(pressroom {line}); COMP_CWORD={len(words)}; "
               'COMPREPLY=(); _pressroom; printf "%s\\n" "${COMPREPLY[@]}"')  # fmt: skip
        out = subprocess.run([bash, "-c", run], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    assert complete("val") == ["validate"]
    assert set(complete("curate", "--")) >= {"--json", "--data", "--workers", "--quiet"}
    assert complete("completion", "z") == ["zsh"]
    zsh = cli("completion", "zsh").stdout
    assert "bashcompinit" in zsh and "_pressroom()" in zsh and "complete -o filenames" in zsh
