"""theme preference: the web app's colour theme follows the writer

Revision ID: a9c4e2f7b1d3
Revises: f3a7c9d1b2e4
Create Date: 2026-11-30 02:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a9c4e2f7b1d3"
down_revision = "f3a7c9d1b2e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("theme")
