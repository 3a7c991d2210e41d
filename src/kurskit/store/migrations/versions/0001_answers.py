"""Answers, store facts (the pseudonym secret) and feedback releases."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", _row_id, primary_key=True, autoincrement=True),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("learner", sa.String(100), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.UniqueConstraint("idempotency_key", name="uq_answers_idempotency_key"),
        sa.UniqueConstraint(
            "course",
            "module",
            "question_id",
            "learner",
            "attempt",
            name="uq_answers_course_module_question_id_learner_attempt",
        ),
    )
    op.create_index("ix_answers_learner", "answers", ["learner"])
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "feedback_releases",
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("course", "module", name="pk_feedback_releases"),
    )
    # Made once with the database: pseudonyms are keyed hashes that only this store can make.
    op.bulk_insert(meta, [{"key": "pseudonym_secret", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("feedback_releases")
    op.drop_table("meta")
    op.drop_index("ix_answers_learner", table_name="answers")
    op.drop_table("answers")
