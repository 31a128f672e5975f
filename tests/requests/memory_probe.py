"""Run in a child process by test_uploads_bounded.py so that its peak memory (ru_maxrss) is
this scenario's alone: upload a decompression bomb, then build a complaint bundle whose
stored image is over the pixel limit. Prints one JSON line."""

from __future__ import annotations

import io
import json
import resource
import sys
from datetime import date

from dsar import create_app
from tests.conftest import csrf_token
from tests.requests.hostile_files import bomb_png


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(instance: str, database: str, catalogs: str, today: str, url: str) -> None:
    app = create_app({"DSAR_INSTANCE_PATH": instance, "DSAR_DATABASE_URL": database,
                      "DSAR_SECRET_KEY": "test-secret", "TESTING": True,
                      "DSAR_TODAY": date.fromisoformat(today),
                      "BABEL_TRANSLATION_DIRECTORIES": catalogs})
    client = app.test_client()
    form_url = f"{url}/record/response_received"
    token = csrf_token(client.get(form_url).get_data(as_text=True))
    bomb = bomb_png(30000, 30000)
    before = peak_mb()
    upload = client.post(form_url, content_type="multipart/form-data", data={
        "csrf_token": token, "date-day": "2", "date-month": "10", "date-year": "2026",
        "completeness": "partial", "note": "Their scan", "files": [(io.BytesIO(bomb), "scan.png")]})
    bundle = client.get(f"{url}/regulator/bundle.pdf")
    page = client.get(url)
    print(json.dumps({
        "upload_status": upload.status_code, "upload_page": upload.get_data(as_text=True),
        "bundle_status": bundle.status_code, "page_status": page.status_code,
        "before_mb": before, "after_mb": peak_mb()}))


if __name__ == "__main__":
    main(*sys.argv[1:])
