"""Collection periods: named spans a coordinator opens and closes; answers carry theirs."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "periods",
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("course", "name", name="pk_periods"),
    )
    op.create_index(
        "ix_periods_one_open",
        "periods",
        ["course"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("period", sa.String(60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("period")
    op.drop_index("ix_periods_one_open", table_name="periods")
    op.drop_table("periods")
