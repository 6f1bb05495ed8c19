"""Text work (scoring, explanations, spam checks) that a command or a review post needs, run off the event
loop: one long message must never hold up every other event (issue 13, item 7).

One thread, shared by every caller: the scorer and the spam detector are shared objects with their own caches,
and a burst of commands queues up here instead of taking every core from the scoring workers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["off_loop"]

P = ParamSpec("P")
R = TypeVar("R")

_TEXT_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentimeter-text")


async def off_loop(func: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """``func(*args, **kwargs)`` on the text thread; the loop keeps serving events meanwhile."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_TEXT_THREAD, functools.partial(func, *args, **kwargs))
