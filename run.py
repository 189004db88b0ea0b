#!/usr/bin/env python3
"""Tisheng's two commands (standard library only, so it runs on a fresh machine):

    python3 run.py demo    install, build the demo district, start the web server and the task worker
    python3 run.py test    install and run the whole test suite (extra arguments go to pytest)

It needs Python 3.12 or newer. When the interpreter that runs it is older, it looks for python3.13 or
python3.12 on the PATH and uses that instead. Everything is installed into ``.venv`` beside this file.
"""

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MINIMUM = (3, 12)
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def find_python() -> str:
    if sys.version_info >= MINIMUM:
        return sys.executable
    for name in ("python3.13", "python3.12"):
        found = shutil.which(name)
        if found and subprocess.run([found, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]).returncode == 0:
            return found
    sys.exit(
        f"Tisheng needs Python 3.12 or newer; this is Python {sys.version.split()[0]} and neither python3.13 nor "
        "python3.12 is on the PATH.\n提升需要 Python 3.12 或更高版本，请先安装后再运行。"
    )


def ensure_venv() -> Path:
    """Create .venv and install the project with its test extras; reinstall only when pyproject changes."""
    python = BIN / "python"
    if python.exists():
        ok = subprocess.run([python, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]).returncode == 0
        if not ok:
            shutil.rmtree(VENV)
    if not python.exists():
        print(f"Creating {VENV} …", flush=True)
        subprocess.run([find_python(), "-m", "venv", VENV], check=True)
    stamp = VENV / ".tisheng-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        print("Installing Tisheng and its pinned dependencies (first run only) …", flush=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
        stamp.write_text(digest)
    return python


def manage(python: Path, *args: str, env=None) -> None:
    subprocess.run([python, ROOT / "manage.py", *args], check=True, cwd=ROOT, env=env)


def demo(args) -> None:
    python = ensure_venv()
    env = {**os.environ, "TISHENG_DEMO": "1"}
    if args.reset:
        for f in (ROOT / "var").glob("tisheng.sqlite3*"):
            f.unlink()
    manage(python, "migrate", "--no-input", "-v", "0", env=env)
    manage(python, "demo", "--if-empty", "--students", str(args.students), env=env)
    address = f"127.0.0.1:{args.port}"
    server = subprocess.Popen([python, ROOT / "manage.py", "runserver", address, "--noreload"], cwd=ROOT, env=env)
    worker = subprocess.Popen([python, ROOT / "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=env)
    time.sleep(1.5)
    logins = subprocess.run([python, ROOT / "manage.py", "demo", "--logins"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True).stdout
    print(f"\n提升 Tisheng is running at http://{address}/  (Ctrl-C stops it)\n{logins}", flush=True)
    try:
        while server.poll() is None and worker.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for p in (server, worker):
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in (server, worker):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def test(args, extra: list[str]) -> int:
    python = ensure_venv()
    env = {**os.environ, "TISHENG_TASKS_IMMEDIATE": "1", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    backend = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"Running the test suite on {backend} …", flush=True)
    # Two workers: the machines this runs on have two cores.
    cmd = [python, "-m", "pytest", "-n", os.environ.get("TISHENG_TEST_WORKERS", "2"), *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="run the platform on SQLite with the demo district")
    p_demo.add_argument("--port", type=int, default=8000)
    p_demo.add_argument("--students", type=int, default=10_000)
    p_demo.add_argument("--reset", action="store_true", help="delete the demo database first")
    sub.add_parser("test", help="run the whole test suite (more arguments go to pytest)")
    sub.add_parser("install", help="only create .venv and install")
    args, extra = parser.parse_known_args()
    if args.command == "demo":
        demo(args)
    elif args.command == "test":
        sys.exit(test(args, extra))
    else:
        ensure_venv()


if __name__ == "__main__":
    main()
