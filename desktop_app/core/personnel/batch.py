"""Batch actions on selected officers (年审通过, 注销证件, 调动): one transaction, each officer in its own
savepoint, so an officer the services refuse is left untouched and reported with the reason while the
others are done; an unexpected error or a cancel rolls the whole batch back."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop_app.core.db import db
from desktop_app.core.errors import AppError, ValidationError
from desktop_app.core.jobs import JobControl
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel.officers import move_officer
from desktop_app.core.personnel.roster import RosterRow


@dataclass
class BatchResult:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, the core's reason)

    def summary(self, limit: int = 20) -> str:
        lines = [f"已办理 {len(self.done)} 人。"]
        if self.refused:
            lines.append(f"未办理 {len(self.refused)} 人：")
            lines += [f"　{name}：{reason}" for name, reason in self.refused[:limit]]
            if len(self.refused) > limit:
                lines.append(f"　……另有 {len(self.refused) - limit} 人未列出")
        return "\n".join(lines)


def run_batch(rows: Sequence[RosterRow], step: Callable[[RosterRow], None],
              control: JobControl | None = None) -> BatchResult:
    """`step` for each officer in its own savepoint inside one transaction; refusals are collected.
    Runs on a worker thread (ui/worker.py); a cancel raises inside the transaction and undoes it all."""
    control = control or JobControl()
    result = BatchResult()
    with db.atomic():
        for n, row in enumerate(rows):
            if n % 20 == 0:
                control.progress(n / len(rows), f"已办理 {n} / {len(rows)} 人")
            try:
                with db.atomic():
                    step(row)
            except AppError as exc:
                result.refused.append((row.name, exc.message))
            else:
                result.done.append(row.name)
    return result


def review_pass(on_date: dt.date, doc: str) -> Callable[[RosterRow], None]:
    def step(row: RosterRow) -> None:
        card = row.card
        if card is None:
            raise ValidationError("没有行政执法证。")
        certs.add_event(card.id, "review_pass", on_date, doc_number=doc)
    return step


def cancel_cards(on_date: dt.date, reason: str, doc: str) -> Callable[[RosterRow], None]:
    def step(row: RosterRow) -> None:
        cards = [c for c in row.cards if c.state in certs.ALLOWED_FROM["cancel"]]
        if not cards:
            raise ValidationError("没有可以注销的证件。")
        for card in cards:
            certs.add_event(card.id, "cancel", on_date, reason, doc)
    return step


def move_to(unit_id: int | None, on_date: dt.date, reason: str, doc: str) -> Callable[[RosterRow], None]:
    def step(row: RosterRow) -> None:
        move_officer(row.id, unit_id, on_date, reason, doc)
    return step
