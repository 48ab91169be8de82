"""The playground trains while you watch: Play / Pause / Step / Reset, as in TensorFlow Playground.

One :class:`core.nn.Training` per browser session lives in session state. While it plays,
the live view is a fragment that Streamlit reruns every ``TICK_S`` seconds
(``st.fragment(run_every=...)``): each rerun trains a few more epochs and redraws the
decision boundary, the network, the loss curves and the per-layer gradient sizes. Changing
any setting starts a fresh run with the new settings (and keeps playing if it was).

Why a streaming fragment rather than Plotly frames of a precomputed run (both measured side
by side by ``bench/peers.py``; figures in the README's performance section): frames play more
smoothly on a loaded machine, but a whole run must be trained and sent before Play (about
0.6 s and 0.4 MB for 300 epochs of the plane and the loss alone, again on every change of a
setting), they hold only what was precomputed, cannot Step or go on past the last frame, and
stop when a setting changes. The fragment starts at once, Steps, Pauses anywhere, and carries
the network, metrics and gradient sizes along.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.nn import Split, Training, start_playground

STATE = "bp_live"  # session-state key of the current run (not a URL parameter)
TICK_S = 0.25  # seconds between two live updates
TICKS_PER_RUN = 50  # a run to its last epoch takes about this many updates


@dataclass
class Live:
    """The session's training run, the settings it started from, and whether it plays."""

    config: tuple
    split: Split
    run: Training
    playing: bool = False

    @property
    def stop(self) -> int:
        """The epoch where training pauses by itself."""
        return int(dict(self.config)["epochs"])

    @property
    def finished(self) -> bool:
        """Reached the last epoch, or blew up."""
        return self.run.epochs_done >= self.stop or self.run.diverged_at is not None

    @property
    def epochs_per_tick(self) -> int:
        """Epochs trained per live update, so a whole run takes ``TICKS_PER_RUN`` updates."""
        return max(1, round(self.stop / TICKS_PER_RUN))


def current(config: tuple) -> Live:
    """The session's run for these settings: the same run, or a fresh one if they changed.

    A fresh run keeps playing if the old one was playing (changing a setting restarts
    training, as in TensorFlow Playground, without making the learner press Play again).
    """
    live = st.session_state.get(STATE)
    if live is None or live.config != config:
        split, run = start_playground(**dict(config))
        live = Live(config, split, run, playing=bool(live and live.playing))
        st.session_state[STATE] = live
    return live


def _session() -> Live | None:
    return st.session_state.get(STATE)


def play() -> None:
    """Start (or, at the end of a run, restart) live training."""
    live = _session()
    if live is None:
        return
    if live.finished:
        restart()
    live = _session()
    live.playing = True


def pause() -> None:
    """Stop live training; the outer playground fragment reruns, which stops the timer."""
    live = _session()
    if live is not None:
        live.playing = False
    st.rerun(scope=PLAYGROUND_KEY)


def step() -> None:
    """Train exactly one more epoch (and pause)."""
    live = _session()
    if live is not None:
        live.playing = False
        if not live.finished:
            live.run.advance(1)


def restart() -> None:
    """New random weights, epoch 0, same settings."""
    live = _session()
    if live is not None:
        split, run = start_playground(**dict(live.config))
        st.session_state[STATE] = Live(live.config, split, run, live.playing)


def finish() -> None:
    """Train all the remaining epochs at once (and pause)."""
    live = _session()
    if live is not None:
        live.playing = False
        live.run.advance(live.stop - live.run.epochs_done)


def tick(live: Live) -> bool:
    """One live update: a few epochs more. Returns True when the run has just come to its end."""
    if not live.playing:
        return False
    if not live.finished:
        live.run.advance(min(live.epochs_per_tick, live.stop - live.run.epochs_done))
    if live.finished:
        live.playing = False
        return True
    return False


#: Key of the playground's outer fragment (Pause reruns it to stop the live timer).
PLAYGROUND_KEY = "bp_playground"
