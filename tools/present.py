"""``make present``: Voila on 127.0.0.1, guarded by a token, and the link to open.

Like ``make lab`` (JupyterLab makes a token and prints the link), so no other user or process
of the machine can open the lessons or start kernels (~200 MB each) without the token. The
token is random (``secrets``), or ``CNNLESSONS_TOKEN`` from the environment (the tests set
it); it is given to Voila inside this process, never on a command line, where any local user
could read it (``ps``).

Usage: python tools/present.py TARGET PORT   (TARGET: a notebook or the notebooks folder)
"""

from __future__ import annotations

import os
import secrets
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    target, port = argv[1], argv[2]
    if not port.isdigit():
        print(f"PORT must be a number, got {port!r}", file=sys.stderr)
        return 2
    token = os.environ.pop("CNNLESSONS_TOKEN", "") or secrets.token_urlsafe(24)
    print(f"Voila: open http://127.0.0.1:{port}/?token={token}  (Ctrl+C stops it)", flush=True)
    from voila.app import main as voila

    sys.argv = ["voila", "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
                "--theme=light", f"--token={token}", target]  # fmt: skip
    return voila() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
