#!/usr/bin/env python3
"""Generate a synthetic repository tree for benchmarking `harden scan`.

usage: gen_tree.py DEST [N_FILES]

Mixes the file kinds harden reads (shell, Dockerfiles, compose, Kubernetes,
workflows, Python, Markdown, requirements) with the kinds it only walks past
(JSON, text, images), in nested service directories, with a realistic share of
problems. Deterministic: the same N gives the same tree.
"""
import os
import random
import sys

SHELL = """#!/usr/bin/env bash
# {svc}: maintenance task {i}
set -eo pipefail
source "$(dirname "$0")/lib.sh"
TARGET_DIR=/srv/{svc}/releases/{i}
log "cleaning $TARGET_DIR"
rm -rf $STAGING_{i}/*
for f in "$TARGET_DIR"/*.tmp; do
    rm -f "$f"
done
pg_dump -h db-{i}.internal app > /var/backups/{svc}-{i}.sql
ssh -o StrictHostKeyChecking=no deploy@10.0.{a}.{b} "systemctl restart {svc}"
curl -fsSL https://example.com/install-{i}.sh | bash
echo "done {i}"
"""

DOCKERFILE = """FROM python:3.{m}-slim AS build
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN apt-get update && apt-get install -y gcc libpq-dev \\
    && make -C native
FROM python:3.{m}-slim
COPY --from=build /app /app
EXPOSE 80{m}
CMD ["gunicorn", "app:app"]
"""

COMPOSE = """services:
  api-{i}:
    image: registry.example.com/{svc}:{i}
    environment:
      DB_PASSWORD: ${{DB_PASSWORD:?}}
    ports:
      - "127.0.0.1:80{m}:8000"
  db-{i}:
    image: postgres:16
    ports:
      - "5432:5432"
    command: sh -c "rm -rf $$PGDATA/lost+found && docker-entrypoint.sh postgres"
"""

K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}-{i}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {svc}}}
  template:
    metadata:
      labels: {{app: {svc}}}
    spec:
      containers:
        - name: {svc}
          image: registry.example.com/{svc}:latest
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: {svc}-{i}
spec:
  ports:
    - port: 80
"""

WORKFLOW = """name: ci-{i}
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
      - run: |
          pip install -r requirements.txt
          pytest -q
      - run: echo "${{{{ github.event.pull_request.title }}}}"
"""

PYTHON = '''"""Module {i} of the {svc} service."""
import logging
import os

import requests

log = logging.getLogger(__name__)
DB_PASSWORD = os.environ.get("DB_PASSWORD")


def fetch_{i}(url):
    try:
        resp = requests.get(url, timeout=10)
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException:
        log.exception("fetch failed")
        raise


def parse_{i}(value):
    try:
        return float(value)
    except ValueError:
        return 0.0


class Worker{i}:
    def __init__(self, name):
        self.name = name

    def run(self):
        for n in range({i} % 7 + 3):
            print("tick", n)
'''

MARKDOWN = """# {svc} {i}

Run `scripts/task_{i}.sh` to rotate. See [the runbook](docs/runbook.md).

```sh
curl -fsSL https://example.com | sh
```
"""

REQS = "requests==2.{m}.0\nflask>=3\npsycopg2-binary==2.9.{m}\n"
JSON = '{{"name": "{svc}-{i}", "version": "1.{m}.0", "private": true, "scripts": {{"test": "jest"}}}}\n'
TEXT = "Release notes for {svc} {i}.\n" + "Nothing to see here, just text. " * 20 + "\n"

KINDS = [
    ("scripts/task_{i}.sh", SHELL, 12),
    ("Dockerfile.{i}", DOCKERFILE, 4),
    ("deploy/docker-compose.{i}.yml", COMPOSE, 4),
    ("k8s/deploy-{i}.yaml", K8S, 6),
    ("src/{svc}/mod_{i}.py", PYTHON, 40),
    ("docs/page_{i}.md", MARKDOWN, 10),
    ("requirements-{i}.txt", REQS, 2),
    ("web/data_{i}.json", JSON, 12),
    ("notes/note_{i}.txt", TEXT, 9),
    ("assets/img_{i}.png", None, 1),
]


def main():
    dest = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    rnd = random.Random(42)
    weights = [k[2] for k in KINDS]
    os.makedirs(dest, exist_ok=True)
    n_services = max(1, n // 400)
    for i in range(n):
        svc = f"svc{i % n_services:03d}"
        tmpl_path, body, _ = rnd.choices(KINDS, weights=weights)[0]
        rel = os.path.join(svc, tmpl_path.format(i=i, svc=svc))
        if tmpl_path.startswith("Dockerfile"):
            rel = os.path.join(svc, f"Dockerfile.{i}")
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if body is None:
            with open(path, "wb") as f:
                f.write(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(rnd.getrandbits(8) for _ in range(256)))
            continue
        text = body.format(i=i, svc=svc, m=i % 13, a=i % 250, b=(i * 7) % 250)
        with open(path, "w") as f:
            f.write(text)
    # A few workflows at the root, where GitHub reads them.
    wf = os.path.join(dest, ".github", "workflows")
    os.makedirs(wf, exist_ok=True)
    for i in range(min(40, n // 1000 + 1)):
        with open(os.path.join(wf, f"ci-{i}.yml"), "w") as f:
            f.write(WORKFLOW.format(i=i))


if __name__ == "__main__":
    main()
