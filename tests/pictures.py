"""What an explorer's page shows, and what a full redraw of the same state paints: the two
pictures the explorer tests compare."""

import numpy as np


def pixels(explorer):
    """What the page shows now: the frame its controls select, RGB floats in [0, 1]."""
    return explorer.frame()[..., :3]


def redrawn(explorer):
    """The canvas after a full draw of the explorer's current state, as ``pixels`` gives it."""
    explorer.canvas.draw()
    return np.asarray(explorer.canvas.buffer_rgba())[..., :3].astype(np.float32) / 255


def made_as_in_a_kernel(make):
    """``make()`` run as a running kernel runs it: only the frames its controls select are
    drawn before it returns (the rest would follow in the background, which stops here).
    Outside a loop every frame is drawn up front, minutes of drawing for a test that reads
    one frame of lesson 06's growth explorer."""
    import asyncio

    async def run():
        return make()

    return asyncio.run(run())
