"""Bulk rendering (dsar.letters.bulk): one file per letter, written by worker processes,
streamed back in input order — read back with pypdf and compared with the one-letter path."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from dsar.letters import bulk
from dsar.letters import pdf as pdf_mod
from dsar.letters.bulk import RenderedLetter, print_file, render_many
from dsar.letters.model import Block
from dsar.letters.pdf import RenderError, render_pdf
from dsar.letters.sample import sample_letter

from .test_renderers import flat


def bulk_letter(i: int):
    """Mostly short one-page letters (quick to lay out), every seventh one of two pages."""
    if i % 7 == 3:
        return sample_letter(i, pages=2)
    return sample_letter(i, blocks=(Block("paragraph", f"Short letter number {i}."),))


def page_count(i: int) -> int:
    return 2 if i % 7 == 3 else 1


def streams(path) -> list[bytes]:
    """Each page's decoded content stream: what is drawn, exactly."""
    return [page.get_contents().get_data() for page in PdfReader(path).pages]


def texts(path) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(path).pages]


# 20 letters in chunks of 3: 7 chunks, so two workers each take several, and some are
# still to come when the first result is back.
COUNT, CHUNK = 20, 3


@pytest.fixture(scope="module")
def in_one_process(tmp_path_factory):
    out = tmp_path_factory.mktemp("one-process")
    return list(render_many((bulk_letter(i) for i in range(COUNT)), out, workers=1,
                            chunk_size=CHUNK))


@pytest.fixture(scope="module")
def with_workers(tmp_path_factory):
    out = tmp_path_factory.mktemp("workers")
    return list(render_many((bulk_letter(i) for i in range(COUNT)), out, workers=2,
                            chunk_size=CHUNK))


def test_every_letter_is_its_own_file_in_input_order(with_workers):
    assert [r.index for r in with_workers] == list(range(COUNT))
    for result in with_workers:
        letter = bulk_letter(result.index)
        assert os.path.basename(result.path) == bulk.default_name(result.index, letter)
        assert result.size == os.path.getsize(result.path)
        reader = PdfReader(result.path)
        assert result.pages == len(reader.pages) == page_count(result.index)
        assert reader.metadata.title == pdf_mod.letter_title(letter)
        assert reader.metadata.author == letter.sender.name
        for number, text in enumerate(texts(result.path), start=1):
            assert letter.reference in text
            others = (bulk_letter(j).reference for j in range(COUNT) if j != result.index)
            assert not any(other in text for other in others)
            # "Page X of Y" per letter, restarting in each; none on a one-page letter.
            if result.pages > 1:
                assert f"Page {number} of {result.pages}" in text
            else:
                assert "Page" not in text.split(letter.reference)[-1]
    assert not list(Path(with_workers[0].path).parent.glob("*.part"))


def test_workers_draw_exactly_what_one_process_draws(in_one_process, with_workers):
    assert [(r.index, os.path.basename(r.path), r.pages) for r in in_one_process] == [
        (r.index, os.path.basename(r.path), r.pages) for r in with_workers]
    for ours, theirs in zip(with_workers, in_one_process, strict=True):
        assert streams(ours.path) == streams(theirs.path), ours.path


@pytest.mark.parametrize("index", [0, 3, COUNT - 1])
def test_bulk_equals_the_one_letter_path(with_workers, index):
    single = PdfReader(io.BytesIO(render_pdf(bulk_letter(index))))
    assert len(single.pages) == with_workers[index].pages
    assert [flat(p.extract_text()) for p in single.pages] == texts(with_workers[index].path)


def test_results_stream_before_the_input_is_used_up(tmp_path):
    consumed = []

    def letters():
        for i in range(12):
            consumed.append(i)
            yield bulk_letter(i)

    results = render_many(letters(), tmp_path, workers=2, chunk_size=1)
    assert consumed == []  # nothing happens before the first next()
    first = next(results)
    assert first.index == 0 and os.path.isfile(first.path)
    # At most the first two chunks plus two in flight per worker have been read.
    assert len(consumed) <= 2 + 2 * bulk.IN_FLIGHT_PER_WORKER
    assert [first.index] + [r.index for r in results] == list(range(12))
    assert consumed == list(range(12))


def test_stopping_early_leaves_no_worker_behind(tmp_path):
    results = render_many((bulk_letter(i) for i in range(40)), tmp_path, workers=2,
                          chunk_size=2)
    assert next(results).index == 0
    assert multiprocessing.active_children()  # the pool is running
    results.close()
    assert multiprocessing.active_children() == []


def test_a_killed_worker_leaves_the_rest_to_this_process(tmp_path, in_one_process):
    results = render_many((bulk_letter(i) for i in range(COUNT)), tmp_path, workers=2,
                          chunk_size=CHUNK)
    got = [next(results)]
    for process in multiprocessing.active_children():
        os.kill(process.pid, signal.SIGKILL)
    got += list(results)
    assert [r.index for r in got] == list(range(COUNT))
    for ours, theirs in zip(got, in_one_process, strict=True):
        assert streams(ours.path) == streams(theirs.path)


def test_a_refused_fork_renders_in_this_process(tmp_path, monkeypatch, in_one_process):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    got = list(render_many((bulk_letter(i) for i in range(COUNT)), tmp_path, workers=2,
                           chunk_size=CHUNK))
    assert [streams(r.path) for r in got] == [streams(r.path) for r in in_one_process]


def test_one_chunk_or_another_thread_never_forks(tmp_path, monkeypatch):
    def refuse():
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", refuse)
    one_chunk = list(render_many([bulk_letter(0), bulk_letter(1)], tmp_path, workers=2))
    assert [r.pages for r in one_chunk] == [1, 1]
    # A web server's request thread: rendered in this process, never forked.
    found: list[RenderedLetter] = []
    thread = threading.Thread(target=lambda: found.extend(render_many(
        (bulk_letter(i) for i in range(4)), tmp_path, workers=2, chunk_size=1)))
    thread.start()
    thread.join()
    assert [r.index for r in found] == [0, 1, 2, 3]


def test_a_refused_resource_in_a_worker_is_a_render_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_mod, "build_html",
                        lambda letters, start=0: '<img src="file:///etc/passwd">')
    with pytest.raises(RenderError):
        list(render_many((bulk_letter(i) for i in range(3)), tmp_path, workers=2,
                         chunk_size=1))
    assert multiprocessing.active_children() == []
    assert not list(tmp_path.iterdir())  # no half-written file


@pytest.mark.parametrize("bad", [{"workers": 0}, {"chunk_size": 0}])
def test_bad_arguments_fail_at_once(tmp_path, bad):
    with pytest.raises(ValueError):
        render_many([bulk_letter(0)], tmp_path, **bad)


def test_names_must_stay_in_the_folder(tmp_path):
    with pytest.raises(ValueError):
        list(render_many([bulk_letter(0)], tmp_path, name=lambda i, letter: "../x.pdf"))
    letter = bulk_letter(0)
    hostile = sample_letter(0, reference="../../etc/passwd")
    assert "/" not in bulk.default_name(0, hostile)
    assert bulk.default_name(7, letter).startswith("000007-")


@pytest.mark.parametrize("duplex", [False, True])
def test_print_file_starts_each_letter_on_a_new_page_or_sheet(with_workers, tmp_path, duplex):
    chosen = [with_workers[i] for i in (0, 3, 4, 10)]  # 1, 2, 1 and 2 pages
    target = tmp_path / "print.pdf"
    pages = print_file(chosen, target, duplex=duplex)
    reader = PdfReader(target)
    assert pages == len(reader.pages)
    first = 0
    for result in chosen:
        letter = bulk_letter(result.index)
        for k in range(result.pages):
            assert letter.reference in flat(reader.pages[first + k].extract_text())
        first += result.pages
        if duplex and result.pages % 2:
            assert reader.pages[first].extract_text().strip() == ""  # the blank back
            first += 1
        if duplex:
            assert first % 2 == 0  # the next letter starts on a front
    assert first == pages == (8 if duplex else 6)
