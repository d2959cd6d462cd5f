"""journal: drafts on the server, writers' preferences, deactivated accounts

Revision ID: c8d4f6a2e1b7
Revises: b5e1a9c3d7f2
Create Date: 2026-11-29 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'c8d4f6a2e1b7'
down_revision = 'b5e1a9c3d7f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=40), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('privacy', sa.String(length=10), nullable=True),
    sa.Column('ai_excluded', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_draft_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft')),
    sa.UniqueConstraint('user_id', 'place', name=op.f('uq_draft_user_id'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('default_model', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('default_privacy', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('default_ai_excluded', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('default_ai_excluded')
        batch_op.drop_column('default_privacy')
        batch_op.drop_column('default_model')
        batch_op.drop_column('active')

    op.drop_table('draft')
