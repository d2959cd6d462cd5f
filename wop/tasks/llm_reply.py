"""AI reply: send the thread to a model and add its answer as a child node.

What is sent is decided when the job runs, for the person who asked (the job's owner): only the
entries that person may read now and that their authors did not keep away from AI — and, since
the reply will be read by everyone who can read the entry it answers, only entries all of them
may read (a reply to a public entry is made from public entries only). Each entry left out
becomes a short note, so the model knows the thread has a gap. A thread longer than the model
reads is trimmed to its first entry and the newest ones that fit. The entries sent are kept as
the reply's sources: it stays readable only while they all are.
"""

from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..access import can_read, kept_from_ai, sources_by_reply
from ..enums import NodeType
from ..errors import JobFailed
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..jobs.live import TextStream
from ..model_catalog import load_catalog
from ..models import Node, ReplySource, TokenCredit, User
from ..providers import llm
from ..queues import Queue
from ..tokens import count_tokens
from .entry import entry_for

SYSTEM_PROMPT = (
    "You are replying inside a writer's journal thread. Messages from people start with the "
    "author's name. Reply thoughtfully to the latest entry."
)
# Tokens a chat message costs beyond its text (role and separators).
MESSAGE_OVERHEAD = 4
# count_tokens is exact only for OpenAI's encoding; elsewhere it estimates within about 10-20 %,
# so a thread is fitted into this share of the model's input budget.
ESTIMATE_MARGIN = 0.85


def entries_note(count: int, what: str) -> str:
    if count == 1:
        return f"[An earlier entry in this thread is {what}]"
    return f"[{count} earlier entries in this thread are {what}]"


def hidden_note(count: int) -> str:
    return entries_note(count, "hidden")


def trimmed_note(count: int) -> str:
    return entries_note(count, "left out here: the thread is longer than the model reads")


@dataclass
class Part:
    """One message of the context: an entry (`node` set), or a note about entries left out."""

    message: llm.ChatMessage
    node: Node | None = None
    text: str = ""  # the entry's text as sent (a link's target text): its share of the token credit

    @property
    def tokens(self) -> int:
        return count_tokens(self.message.content) + MESSAGE_OVERHEAD


def sendable_text(
    node: Node, viewer: User | None, public_reply: bool = False, sources: dict[int, list[Node | None]] | None = None
) -> str | None:
    """The node's text if it may go to an AI provider for `viewer` now, else None. For a reply
    everyone will read (`public_reply`), only what everyone may read. A link is followed only
    when its target may go too. `sources`: AI replies' sources fetched beforehand (access.sources_by_reply)."""

    def may_send(n: Node | None) -> bool:
        if n is None:
            return False
        mine = (sources or {}).get(n.id)
        return can_read(n, viewer, mine) and not kept_from_ai(n, mine) and (not public_reply or can_read(n, None, mine))

    if not may_send(node):
        return None
    if node.node_type == NodeType.LINK:
        return node.linked_node.content if may_send(node.linked_node) else None
    return node.content


def context_parts(node: Node, viewer: User | None) -> list[Part]:
    """The node's thread, root first, as `viewer` may send it now for a reply to `node`;
    consecutive entries left out collapse into one note."""
    thread = [*node.ancestors(), node]  # one query, however deep
    sources = sources_by_reply(thread)  # one query for every AI reply of the thread
    public_reply = can_read(node, None, sources.get(node.id))  # the reply will be readable by everyone
    parts, hidden, parent_sent = [], 0, True
    for entry in thread:
        # An AI reply to an entry left out would quote it: it is left out with it.
        text = (
            None
            if entry.node_type == NodeType.LLM and not parent_sent
            else sendable_text(entry, viewer, public_reply, sources)
        )
        parent_sent = text is not None
        if text is None:
            hidden += 1
            continue
        if hidden:
            parts.append(Part(llm.ChatMessage("user", hidden_note(hidden))))
            hidden = 0
        if entry.node_type == NodeType.LLM:
            message = llm.ChatMessage("assistant", text)
        else:
            message = llm.ChatMessage("user", f"{entry.author.username}: {text}")
        parts.append(Part(message, entry, text))
    if hidden:
        parts.append(Part(llm.ChatMessage("user", hidden_note(hidden))))
    return parts


@dataclass
class Fitted:
    parts: list[Part]
    entries_total: int
    trimmed: bool = False
    first_sent: bool = True  # the thread's first entry is among what is sent
    newest_sent: int = 0  # entries sent after the cut

    @property
    def entries_left_out(self) -> int:
        return self.entries_total - self.newest_sent - self.first_sent if self.trimmed else 0

    @property
    def stage(self) -> str:
        which = f"the first and the newest {self.newest_sent}" if self.first_sent else f"the newest {self.newest_sent}"
        return f"Sending {which} of {self.entries_total} entries (the thread is longer than the model reads)"


class ThreadTooLong(Exception):
    """Even the entry to reply to does not fit in what the model reads."""


def fit(parts: list[Part], budget: int) -> Fitted:
    """Keep the system prompt, the first part (the root) and the newest parts that fit in
    `budget` tokens; what is cut between them becomes one note."""

    def entries(chosen: list[Part]) -> int:
        return sum(1 for p in chosen if p.node is not None)

    total = entries(parts)
    system = count_tokens(SYSTEM_PROMPT) + MESSAGE_OVERHEAD
    if system + sum(p.tokens for p in parts) <= budget:
        return Fitted(parts, total)
    used = system + count_tokens(trimmed_note(total)) + MESSAGE_OVERHEAD + parts[-1].tokens
    if used > budget:
        raise ThreadTooLong(parts[-1].tokens)
    keep_first = len(parts) > 1 and used + parts[0].tokens <= budget
    if keep_first:
        used += parts[0].tokens
    start = len(parts) - 1  # parts[start:] are sent
    lowest = 1 if keep_first else 0
    while start > lowest and used + parts[start - 1].tokens <= budget:
        start -= 1
        used += parts[start].tokens
    head, tail = (parts[:1] if keep_first else []), parts[start:]
    left_out = total - entries(head) - entries(tail)
    note = [Part(llm.ChatMessage("user", trimmed_note(left_out)))] if left_out else []
    return Fitted(head + note + tail, total, trimmed=True, first_sent=entries(head) == 1, newest_sent=entries(tail))


def source_ids(sent: list[Node]) -> set[int]:
    """The entries a reply is made from: each entry sent (a link and its target), and for an
    earlier AI reply sent along, the entries it was made from (it may quote them)."""
    ids: set[int] = set()
    replies = [entry.id for entry in sent if entry.node_type == NodeType.LLM]
    for entry in sent:
        if entry.node_type != NodeType.LLM:
            ids.add(entry.id)
        if entry.node_type == NodeType.LINK and entry.linked_node_id is not None:
            ids.add(entry.linked_node_id)
    if replies:  # the earlier replies' sources, all in one query
        earlier = db.session.scalars(select(ReplySource.source_id).where(ReplySource.reply_id.in_(replies)))
        ids.update(i for i in earlier if i is not None)
    return ids


def is_human(entry: Node) -> bool:
    """An entry whose words earn token credit: written by a person, not by a model."""
    return entry.node_type != NodeType.LLM and not entry.author.is_bot


def share_tokens(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights`; the parts add up to `total` exactly."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def model_account(model_id: str) -> User:
    """The account AI replies of this model are written under (made on first use; two first
    replies at once both end up with the one account)."""
    username = f"ai:{model_id}"[:64]
    for _ in range(2):
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            return user
        db.session.add(User(username=username, is_bot=True, approved=True, description=f"AI model {model_id}"[:128]))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    return db.session.scalars(select(User).where(User.username == username)).one()


@job_kind("llm_reply", queue=Queue.LLM)
def llm_reply(run: JobRun) -> None:
    node = entry_for(run)
    if kept_from_ai(node):
        raise JobFailed("This entry is kept away from AI, so no AI reply is written to it.")
    model_id = run.params["model"]
    spec = load_catalog(current_app.config).get(model_id)
    parts = context_parts(node, db.session.get(User, run.user_id))
    if parts[-1].node is None:  # a link whose target cannot be sent now
        raise JobFailed("The entry this link points to cannot be read now, so there is nothing to reply to.")
    try:
        fitted = fit(parts, int(spec.input_budget() * ESTIMATE_MARGIN))
    except ThreadTooLong as too_long:
        raise JobFailed(
            f"This entry is about {too_long.args[0]:,} tokens, more than {model_id} reads with room for "
            "a reply. Shorten the entry or choose a model with a larger context window."
        ) from too_long
    sent = [p.node for p in fitted.parts if p.node is not None]
    # What the save needs from the thread, taken now: the commits from here on expire the rows.
    sources = source_ids(sent)
    humans = [(p.node.id, p.node.user_id, len(p.text)) for p in fitted.parts if p.node is not None and is_human(p.node)]
    parent_id, privacy = node.id, node.privacy
    run.progress(10, fitted.stage if fitted.trimmed else f"Asking {model_id}")
    messages = [llm.ChatMessage("system", SYSTEM_PROMPT)] + [p.message for p in fitted.parts]
    text = TextStream(run)  # the reply reaches the page as it is written
    with run.abortable():  # a cancel closes the stream at once
        answer = llm.complete(messages, model_id, current_app.config, on_text=text)
    text.flush()
    author = model_account(model_id)
    # The reply, held until the owner is told of the completion: the session holds it only
    # weakly, and the job's event shows it (read again otherwise).
    made: list[Node] = []

    def apply() -> dict[str, Any]:
        reply = Node(
            user_id=author.id,
            parent_id=parent_id,
            node_type=NodeType.LLM,
            llm_model=model_id,
            privacy=privacy,
            content=answer.text,
            token_count=count_tokens(answer.text),
            source_job_id=run.job_id,
        )
        db.session.add(reply)
        db.session.flush()
        made.append(reply)
        # Rows whose ids nothing needs go in one statement each (the ORM would insert them one
        # by one on SQLite to read their ids back).
        if sources:
            db.session.execute(insert(ReplySource), [{"reply_id": reply.id, "source_id": i} for i in sorted(sources)])
        # The tokens are credited to the people whose words were sent, by length.
        shares = share_tokens(answer.total_tokens, [length for _id, _user, length in humans])
        credits = [
            {"user_id": user_id, "node_id": node_id, "job_id": run.job_id, "tokens": tokens}
            for (node_id, user_id, _length), tokens in zip(humans, shares, strict=True)
            if tokens
        ]
        if credits:
            db.session.execute(insert(TokenCredit), credits)
            # Added in SQL, one statement for all: a count read before the model answered may be old.
            nodes = cast(Table, Node.__table__)
            db.session.execute(
                update(nodes)
                .where(nodes.c.id == bindparam("credited"))
                .values(distributed_tokens=nodes.c.distributed_tokens + bindparam("tokens")),
                [{"credited": c["node_id"], "tokens": c["tokens"]} for c in credits],
            )
        return {
            "llm_node_id": reply.id,
            "model": model_id,
            "total_tokens": answer.total_tokens,
            "input_tokens": answer.input_tokens,
            "output_tokens": answer.output_tokens,
            "entries_sent": len(sent),
            "entries_left_out": fitted.entries_left_out,
        }

    run.complete(apply)
