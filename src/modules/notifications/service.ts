import type { Executor, Orm } from '../../db/client.ts';
import type { Role } from '../auth/permissions.ts';
import { type NotificationRow, notificationsRepository } from './repository.ts';

/** A message to the staff of one role (in the console's message list; SMS and WeChat come with billing). */
export interface StaffNotice {
  orgId: string;
  recipientRole: Role;
  kind: string;
  entityType?: string;
  entityId?: string;
  title: string;
  body: string;
  /** The same key is sent once: a daily job may ask again without repeating itself. */
  dedupeKey: string;
}

export function notificationView(row: NotificationRow) {
  return {
    id: row.id,
    recipientRole: row.recipientRole,
    channel: row.channel,
    kind: row.kind,
    entityType: row.entityType,
    entityId: row.entityId,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}

export const notificationsService = {
  /** Sends the notice inside the caller's transaction unless it was sent before; true when sent now. */
  async notifyOnce(tx: Executor, notice: StaffNotice): Promise<boolean> {
    const row = await notificationsRepository.insertOnce(tx, {
      orgId: notice.orgId,
      recipientRole: notice.recipientRole,
      kind: notice.kind,
      entityType: notice.entityType ?? null,
      entityId: notice.entityId ?? null,
      title: notice.title,
      body: notice.body,
      dedupeKey: notice.dedupeKey,
    });
    return row !== undefined;
  },

  /** The notices addressed to any of these roles, newest first. */
  list(db: Orm, orgId: string, roles: string[], page: number, pageSize: number) {
    return notificationsRepository.list(db, orgId, roles, page, pageSize);
  },
};
