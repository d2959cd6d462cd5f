"""keep an entry away from AI

Revision ID: 7c1d2e3f4a5b
Revises: 06c441ee5bb5
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d2e3f4a5b'
down_revision = '06c441ee5bb5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ai_excluded', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.drop_column('ai_excluded')
