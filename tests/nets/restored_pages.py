"""After a restore: the audit log verifies and the pages still render. Run in a process whose
DATABASE_URL is the restored database (tests/nets/test_backup_restore.py):

    python -m tests.nets.restored_pages"""

import os
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from coop import audit
    from coop.models import User
    from tests.nets.test_crawl import Crawl

    setup_test_environment()
    problem = audit.verify()
    if problem is not None:
        print(f"verify_audit: entry {problem.entry_id}: {problem.reason}")
        return 1
    failures = 0
    for email in ("secretary@demo.coop", "user@demo.coop"):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=email))
        crawl = Crawl(client, pages=int(os.environ.get("CRAWL_PAGES", "80")))
        crawl.run()
        print(f"{email}: {crawl.visited} pages, {len(crawl.failures)} failures")
        for failure in crawl.failures:
            print(f"  {failure}")
        failures += len(crawl.failures) + (crawl.visited < 20)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
