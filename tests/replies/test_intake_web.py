"""Taking in a reply through the request page: files of every accepted type, a pasted email,
ZIPs refused with nothing stored, and the reply recorded once."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from dsar.replies.models import ReplyText
from dsar.requests.models import DataRequest, Event, Upload
from dsar.requests.uploads import DOCX
from tests.replies import samples
from tests.replies.zips import bomb, zip_of
from tests.requests.conftest import record, submit


def _sent(client, make_tracked, clock):
    tracked = make_tracked()
    clock.set("2026-09-01")
    assert record(client, tracked, "sent", "2026-09-01", channel="email").status_code == 302
    clock.set("2026-09-30")
    return tracked


def _post(client, tracked, files=(), **fields):
    data = {"reply-date-day": "28", "reply-date-month": "9", "reply-date-year": "2026", **fields,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return submit(client, f"{tracked.url}/reply", data, form_url=tracked.url,
                  content_type="multipart/form-data")


def _stored(app, tracked):
    """(uploads, reply texts, event kinds) of the tracked request, read from the database."""
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        req = session.scalar(select(DataRequest).where(DataRequest.public_id == tracked.public_id))
        uploads = session.scalars(select(Upload).where(Upload.request_id == req.id)).all()
        texts = session.scalars(select(ReplyText).where(ReplyText.request_id == req.id)
                                .order_by(ReplyText.id)).all()
        events = session.scalars(select(Event).where(Event.request_id == req.id).order_by(Event.id)).all()
        result = ([(u.original_name, u.media_type) for u in uploads],
                  [(t.name, t.media_type, t.status, t.text) for t in texts],
                  [(e.kind, e.occurred_on.isoformat(), e.data) for e in events])
        session.close()
    return result


def test_a_pdf_reply_is_kept_read_and_recorded_once(app, client, make_tracked, clock):
    tracked = _sent(client, make_tracked, clock)
    response = _post(client, tracked, [("reply.pdf", samples.pdf())])
    assert response.status_code == 302 and response.headers["Location"].endswith("?reply=received#reply")
    uploads, texts, events = _stored(app, tracked)
    assert uploads == [("reply.pdf", "application/pdf")]
    assert texts[0][:3] == ("reply.pdf", "application/pdf", "read")
    assert "for the purpose of credit checks" in " ".join(texts[0][3].split())
    assert events[-1][:2] == ("response_received", "2026-09-28")
    assert events[-1][2]["source"] == "reply" and len(events[-1][2]["files"]) == 1
    page = client.get(tracked.url).get_data(as_text=True)
    assert "Reply: not checked yet" in page and "for the purpose of credit" in page
    assert 'name="reply-date-day"' not in page  # the reply's date is known now
    # More of the reply (a Word document): kept and read, no second response_received.
    assert _post(client, tracked, [("annex.docx", samples.word())]).status_code == 302
    uploads, texts, events = _stored(app, tracked)
    assert uploads[-1] == ("annex.docx", DOCX)
    assert "Retention | 6 years" in texts[-1][3]
    assert [e[0] for e in events].count("response_received") == 1


def test_every_accepted_type_is_sniffed(app, client, make_tracked, clock):
    tracked = _sent(client, make_tracked, clock)
    files = [("letter.eml", samples.email(attachment=samples.pdf("Your score was 412."))),
             ("scan.png", samples.png()), ("note.txt", b"Retention: six years."),
             ("export.zip", zip_of({"data/letter.pdf": samples.pdf("Sources: the electoral roll."),
                                    "data/readme.txt": b"The purposes are listed in the letter."}))]
    assert _post(client, tracked, files).status_code == 302
    uploads, texts, _events = _stored(app, tracked)
    assert [t for _n, t in uploads] == ["message/rfc822", "image/png", "text/plain", "application/zip"]
    assert [(n, t, s) for n, t, s, _x in texts] == [
        ("letter.eml", "message/rfc822", "read"), ("scan.png", "image/png", "no_text"),
        ("note.txt", "text/plain", "read"),
        ("export.zip › data/letter.pdf", "application/pdf", "read"),
        ("export.zip › data/readme.txt", "text/plain", "read")]
    email_text = texts[0][3]
    assert "Subject: Your subject access request EXP-1234" in email_text
    assert "--- your-data.pdf ---\nYour score was 412." in email_text
    assert "electoral roll" in texts[3][3]
    page = client.get(tracked.url).get_data(as_text=True)
    assert "No text could be read from this file" in page


def test_a_pasted_email_is_kept_and_shown_escaped(app, client, make_tracked, clock):
    tracked = _sent(client, make_tracked, clock)
    pasted = ("From: dpo@experian.example\nSubject: Your request\nDate: Mon, 28 Sep 2026\n\n"
              "Here is your data. <script>alert(1)</script>")
    assert _post(client, tracked, pasted=pasted).status_code == 302
    uploads, texts, _events = _stored(app, tracked)
    assert uploads == [("pasted-email.txt", "message/rfc822")]
    assert texts[0][3].endswith("Here is your data. <script>alert(1)</script>")
    page = client.get(tracked.url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def _nothing_stored(app, tracked, instance_path):
    uploads, texts, events = _stored(app, tracked)
    assert uploads == [] and texts == []
    assert [e[0] for e in events] == ["created", "sent"]
    folder = instance_path / "uploads"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_zip_climbing_out_of_its_folder_is_refused_and_nothing_stored(app, client, make_tracked,
                                                                        clock, instance_path):
    tracked = _sent(client, make_tracked, clock)
    evil = zip_of({"letter.txt": b"fine", "../../outside.txt": b"gotcha"})
    response = _post(client, tracked, [("reply.txt", b"A letter"), ("export.zip", evil)],
                     pasted="Kept on the page after the error")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("export.zip was refused: it contains a file that would be unpacked outside its folder "
            "(../../outside.txt)") in page
    assert "Kept on the page after the error" in page
    _nothing_stored(app, tracked, instance_path)


def test_a_zip_bomb_is_refused_and_nothing_stored(app, client, make_tracked, clock, instance_path):
    tracked = _sent(client, make_tracked, clock)
    archive = bomb()  # 1 GB of zeros in about 1 MB
    assert len(archive) < 2 * 1024 * 1024
    response = _post(client, tracked, [("export.zip", archive)])
    assert response.status_code == 400
    message = "export.zip was refused: unpacked, it would take more than 100 MB"
    assert message in response.get_data(as_text=True)
    _nothing_stored(app, tracked, instance_path)


def test_form_errors_keep_the_page_whole(app, client, make_tracked, clock):
    tracked = make_tracked()
    clock.set("2026-09-30")
    early = _post(client, tracked, [("reply.txt", b"A letter")])
    assert early.status_code == 400
    assert "Record when you sent the request first" in early.get_data(as_text=True)
    assert record(client, tracked, "sent", "2026-09-10", channel="email").status_code == 302
    empty = _post(client, tracked)
    assert empty.status_code == 400
    assert "Choose the files they sent, or paste their email" in empty.get_data(as_text=True)
    before = _post(client, tracked, [("reply.txt", b"A letter")], **{"reply-date-day": "2"})
    text = before.get_data(as_text=True)
    assert before.status_code == 400 and "The date cannot be before you sent the request" in text
    assert 'id="reply-date-day" name="reply-date-day" type="text" inputmode="numeric" value="2"' in text
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        assert session.scalar(select(func.count(Upload.id))) == 0
        session.close()

