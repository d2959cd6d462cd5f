"""recording segments: a chunk may begin a new stream

Revision ID: f3a7c9d1b2e4
Revises: e1213b0f3d29
Create Date: 2026-11-29 23:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f3a7c9d1b2e4"
down_revision = "e1213b0f3d29"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recording_chunk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_segment", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Chunk 0 of every recording begins its (so far only) stream.
    op.execute("UPDATE recording_chunk SET starts_segment = true WHERE number = 0")


def downgrade():
    with op.batch_alter_table("recording_chunk", schema=None) as batch_op:
        batch_op.drop_column("starts_segment")
