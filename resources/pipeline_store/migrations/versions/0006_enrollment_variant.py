"""The copy variant each enrolled lead was sent: `enrollments.variant`, empty for leads enrolled outside a
copy experiment (every row written before this revision).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("variant", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("variant")
