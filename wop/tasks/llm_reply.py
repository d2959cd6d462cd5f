"""AI reply: send the thread to a model and add its answer as a child node."""
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..jobs import job_kind
from ..models import Node, TokenCredit, User
from ..providers import llm
from ..tokens import count_tokens

SYSTEM_PROMPT = (
    "You are replying inside a writer's journal thread. Messages from people start with the "
    "author's name. Reply thoughtfully to the latest entry."
)


def thread_of(node: Node) -> list[Node]:
    """The node's ancestors oldest first, then the node; deleted entries left out."""
    return [n for n in node.ancestors() + [node] if n.deleted_at is None]


def _text(node: Node) -> str:
    if node.node_type == "link" and node.linked_node is not None:
        return node.linked_node.content
    return node.content


def build_messages(thread: list[Node]) -> list[llm.ChatMessage]:
    messages = [llm.ChatMessage("system", SYSTEM_PROMPT)]
    for node in thread:
        if node.node_type == "llm":
            messages.append(llm.ChatMessage("assistant", node.content))
        else:
            messages.append(llm.ChatMessage("user", f"{node.author.username}: {_text(node)}"))
    return messages


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
    return db.session.scalar(select(User).where(User.username == username))


@job_kind("llm_reply", queue="llm")
def llm_reply(run) -> None:
    node = db.session.get(Node, run.node_id)
    if node is None or node.deleted_at is not None:
        run.fail("The entry to reply to was deleted.")
        return
    model_id = run.params["model"]
    thread = thread_of(node)
    messages = build_messages(thread)
    run.progress(10, f"Asking {model_id}")
    with run.abortable():  # a cancel closes the stream at once
        answer = llm.complete(messages, model_id, current_app.config, on_text=run.stop_if_cancelled)
    run.progress(90, "Saving the reply")
    author = model_account(model_id)

    def apply() -> dict:
        reply = Node(
            user_id=author.id, parent_id=node.id, node_type="llm", llm_model=model_id,
            privacy=node.privacy, content=answer.text, token_count=count_tokens(answer.text),
            source_job_id=run.job_id,
        )
        db.session.add(reply)
        humans = [n for n in thread if n.node_type != "llm" and not n.author.is_bot]
        for n, tokens in zip(humans, share_tokens(answer.total_tokens, [len(_text(n)) for n in humans])):
            if tokens:
                n.distributed_tokens += tokens
                db.session.add(TokenCredit(user_id=n.user_id, node_id=n.id, job_id=run.job_id, tokens=tokens))
        db.session.flush()
        return {"llm_node_id": reply.id, "model": model_id, "total_tokens": answer.total_tokens,
                "input_tokens": answer.input_tokens, "output_tokens": answer.output_tokens}

    run.complete(apply)
