"""``make present``: Voila on 127.0.0.1, guarded by a token, and the link to open.

Like ``make lab`` (JupyterLab makes a token and prints the link), so no other user or process
of the machine can open the lessons or start kernels (~200 MB each) without the token. The
token is random (``secrets``), or ``CNNLESSONS_TOKEN`` from the environment (the tests set
it); it is given to Voila inside this process, never on a command line, where any local user
could read it (``ps``).

For a classroom: the "classroom" template (``tools/voila/share/voila/templates/classroom``:
a projector layout, Font Awesome served locally, no bare reprs) and preheated kernels: each
lesson is run ahead in a pooled kernel (``POOL`` per notebook), so a page opened (or
reloaded: F5 resets an explorer) shows at once, from the pool, and the pool starts the next.
A kernel has run its lesson ahead when ``Voila: <lesson> is ready`` is printed (Voila's own
"pool is filled" comes earlier, when the kernel has only started): open the page after it.

The menu (the notebooks folder) runs every lesson ahead, one kernel each: nine kernels,
~1.8 GB, and a few minutes of the processor after it starts. On a laptop with little memory,
``POOL=0`` runs none ahead (a page then waits for its lesson to run: 10-25 s).

Usage: python tools/present.py TARGET PORT [POOL]   (TARGET: a notebook or the notebooks
folder; POOL: kernels run ahead per notebook, default ``POOL``)
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: kernels run ahead per notebook (each ~200 MB)
POOL = 1


def set_xsrf_cookie_on_every_lesson() -> None:
    """A page closed or reloaded (F5) shuts its kernel down: Voila's page posts to
    ``/voila/api/shutdown/<kernel>`` on ``beforeunload`` with the ``_xsrf`` cookie's value. A
    lesson served at ``/`` (``make present LESSON=01``) never had that cookie set (only the
    menu's page sets it), so every post was refused (403) and every reload left a ~200 MB
    kernel running. Here the lesson's page sets it, as the menu does (tornado sets the cookie
    when ``xsrf_token`` is first read)."""
    from voila.handler import VoilaHandler

    serve = VoilaHandler.get_generator
    if getattr(serve, "cnnl_xsrf", False):
        return

    async def get_generator(self, path=None):
        self.xsrf_token  # noqa: B018 - read for its side effect: the cookie
        async for part in serve(self, path):
            yield part

    get_generator.cnnl_xsrf = True
    VoilaHandler.get_generator = get_generator


#: what the ready check asks a pooled kernel: frames its explorers still draw ahead
PENDING = (
    "sum(e.frames_pending for e in __import__('cnnlessons.engine.live', fromlist=['x'])"
    ".explorers())"
)


async def frames_pending(kernel, log) -> int:
    """Frames the kernel's explorers still have to draw ahead (0 if it has none, or its
    lesson uses no explorer). Asked silently: nothing in the kernel's history or outputs."""
    client = kernel.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        reply = await client.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={"n": PENDING},
            reply=True,
            timeout=60,
        )
        found = reply["content"]["user_expressions"]["n"]
        if found.get("status") != "ok":
            return 0
        return int(found["data"]["text/plain"])
    except Exception as error:  # noqa: BLE001 - a kernel that cannot say is taken as idle
        log.warning("ready check: %s", error)
        return 0
    finally:
        client.stop_channels()


def say_when_a_lesson_is_ready() -> None:
    """Print ``Voila: <lesson> is ready`` when a pooled kernel has run the whole lesson
    ahead and its explorers have drawn their frames ahead. Voila's own "pool ... is filled"
    comes when the kernel has only *started*: a page opened then waited for the lesson to run
    (15-18 s for lesson 01, measured); and for ~30 s after the last cell the kernel draws
    frames ahead (a CPU busy with it), so a page opened then waits for its answers (its
    widgets' state: 1-2 s more; past 4 s the widget manager gives up asking for the state in
    one message and asks for it widget by widget). The teacher waits for "ready" before
    class; the tests too."""
    import asyncio

    from voila.notebook_renderer import NotebookRenderer

    hybrid = NotebookRenderer.generate_content_hybrid
    if getattr(hybrid, "cnnl_ready", False):
        return

    async def announce(renderer):
        kernel = renderer.executor.km
        # stop_generator: a page has taken the kernel (it waits for nothing of this)
        while not renderer.stop_generator and await frames_pending(kernel, renderer.log) > 0:
            await asyncio.sleep(2)
        if not renderer.stop_generator:
            print(f"Voila: {renderer.notebook_path} is ready", flush=True)

    async def generate_content_hybrid(self, kernel_id=None, kernel_future=None):
        result = await hybrid(self, kernel_id, kernel_future)
        if not self.stop_generator:  # ran to the end before any page took the kernel
            # beside, not in, the rendering a page opened now awaits
            self.cnnl_announce = asyncio.ensure_future(announce(self))
        return result

    generate_content_hybrid.cnnl_ready = True
    NotebookRenderer.generate_content_hybrid = generate_content_hybrid


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    target, port, pool = argv[1], argv[2], (argv[3:] or [str(POOL)])[0]
    if not port.isdigit():
        print(f"PORT must be a number, got {port!r}", file=sys.stderr)
        return 2
    if not pool.isdigit():
        print(f"POOL must be a whole number of kernels (0, 1, ...), got {pool!r}", file=sys.stderr)
        return 2
    token = os.environ.pop("CNNLESSONS_TOKEN", "") or secrets.token_urlsafe(24)
    print(f"Voila: open http://127.0.0.1:{port}/?token={token}  (Ctrl+C stops it)", flush=True)
    # the classroom template is found where Jupyter looks for data files
    share = str(ROOT / "tools" / "voila" / "share")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [share, *filter(None, [os.environ.get("JUPYTER_PATH")])]
    )
    sys.path.insert(0, str(ROOT / "tools"))
    from voila.app import main as voila

    set_xsrf_cookie_on_every_lesson()
    say_when_a_lesson_is_ready()

    sys.argv = ["voila", "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
                "--theme=light", "--template=classroom", f"--token={token}",
                "--preheat_kernel=True", f"--pool_size={pool}",
                # a kernel no page is connected to (a tab that never ran its page, a network
                # cut) is shut down after a minute idle; the pool's kernels are never culled
                "--MappingKernelManager.cull_idle_timeout=60",
                "--MappingKernelManager.cull_interval=15",
                "--MappingKernelManager.cull_connected=False",
                # an exercise's "replace ____ with your answer" (no cell to run) left out
                "--VoilaExporter.preprocessors=sitebuild.book.Classroom",
                target]  # fmt: skip
    return voila() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
