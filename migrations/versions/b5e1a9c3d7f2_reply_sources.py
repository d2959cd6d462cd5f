"""reply sources: the entries each AI reply was made from

Revision ID: b5e1a9c3d7f2
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-29 17:30:00.000000

Existing replies get their thread (every person's entry above them) as their sources: what
they were sent is not known any more, and the thread is the most it can have been.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b5e1a9c3d7f2'
down_revision = '7c1d2e3f4a5b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reply_source',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['reply_id'], ['node.id'], name=op.f('fk_reply_source_reply_id_node'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['source_id'], ['node.id'], name=op.f('fk_reply_source_source_id_node'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_source')),
    )
    with op.batch_alter_table('reply_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_source_reply_id'), ['reply_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_source_source_id'), ['source_id'], unique=False)
    op.execute(sa.text("""
        INSERT INTO reply_source (reply_id, source_id)
        WITH RECURSIVE up(reply_id, node_id) AS (
            SELECT id, parent_id FROM node WHERE node_type = 'llm' AND parent_id IS NOT NULL
            UNION ALL
            SELECT up.reply_id, n.parent_id FROM up JOIN node n ON n.id = up.node_id
            WHERE n.parent_id IS NOT NULL
        )
        SELECT up.reply_id, n.id FROM up JOIN node n ON n.id = up.node_id WHERE n.node_type != 'llm'
    """))


def downgrade():
    with op.batch_alter_table('reply_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_source_source_id'))
        batch_op.drop_index(batch_op.f('ix_reply_source_reply_id'))
    op.drop_table('reply_source')
