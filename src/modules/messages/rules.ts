// Reminder rules (催缴提醒): per organisation, when a tenant is reminded of a bill (days before it is due, on the day,
// every N days while overdue), by which channels, and the quiet hours in which no reminder is sent (a login code or
// word that a payment arrived goes at any hour). Also the retry schedule of a message that failed to go out.
// Pure: no I/O.

import { type CalendarDate, daysBetween } from '../../domain/calendar.ts';

export const CHANNELS = ['sms', 'wechat'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a message to a tenant is about; each kind has its own SMS template at the provider. */
export const MESSAGE_KINDS = [
  'bill_reminder',
  'login_code',
  'payment_received',
  'refund_paid',
  'refund_approved',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Answers the tenant is waiting for, sent at any hour: the quiet hours hold only reminders. */
export const TRANSACTIONAL_MESSAGE_KINDS: readonly MessageKind[] = [
  'login_code',
  'payment_received',
  'refund_paid',
  'refund_approved',
];

export interface ReminderSettings {
  /** Remind this many days before the due date (each number one reminder). */
  beforeDueDays: number[];
  onDueDate: boolean;
  /** While overdue, remind every this many days after the due date; 0: never. */
  overdueEveryDays: number;
  /** China time, HH:MM; a range over midnight when start > end; equal: no quiet hours. */
  quietHours: { start: string; end: string };
  channels: Channel[];
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  beforeDueDays: [3],
  onDueDate: true,
  overdueEveryDays: 7,
  quietHours: { start: '21:00', end: '08:00' },
  channels: ['sms', 'wechat'],
};

export const MAX_BEFORE_DUE_DAYS = 60;
export const MAX_OVERDUE_EVERY_DAYS = 90;

export type ReminderSettingsProblemCode = 'reminders_days_repeated' | 'reminders_channel_repeated';

export interface ReminderSettingsProblem {
  path: string;
  code: ReminderSettingsProblemCode;
  params: Record<string, string | number>;
}

/** The stored settings over the defaults (a missing or malformed key takes its default). */
export function reminderSettingsOf(stored: unknown): ReminderSettings {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Partial<ReminderSettings>;
  return { ...DEFAULT_REMINDER_SETTINGS, ...value };
}

/** What is wrong with settings finance wants to save (shapes and ranges are checked by the request schema). */
export function reminderSettingsProblems(settings: ReminderSettings): ReminderSettingsProblem[] {
  const problems: ReminderSettingsProblem[] = [];
  settings.beforeDueDays.forEach((days, index) => {
    if (settings.beforeDueDays.indexOf(days) !== index) {
      problems.push({ path: `beforeDueDays/${index}`, code: 'reminders_days_repeated', params: { days } });
    }
  });
  settings.channels.forEach((channel, index) => {
    if (settings.channels.indexOf(channel) !== index) {
      problems.push({ path: `channels/${index}`, code: 'reminders_channel_repeated', params: { channel } });
    }
  });
  return problems;
}

export type ReminderKind = 'before_due' | 'due_today' | 'overdue';

/** Which reminder a bill due on `dueDate` gets on `asOf`, if any. */
export function reminderDue(
  dueDate: CalendarDate,
  asOf: CalendarDate,
  settings: ReminderSettings,
): { kind: ReminderKind; days: number } | null {
  const ahead = daysBetween(asOf, dueDate);
  if (ahead > 0) return settings.beforeDueDays.includes(ahead) ? { kind: 'before_due', days: ahead } : null;
  if (ahead === 0) return settings.onDueDate ? { kind: 'due_today', days: 0 } : null;
  const overdue = -ahead;
  if (settings.overdueEveryDays > 0 && overdue % settings.overdueEveryDays === 0) {
    return { kind: 'overdue', days: overdue };
  }
  return null;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When the quiet hours holding `now` end (the instant sending may resume), or null when `now` is not in them.
 * China has no daylight saving time, so China time is UTC+8 all year.
 */
export function quietUntil(now: Date, quietHours: ReminderSettings['quietHours']): Date | null {
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return null;
  const china = new Date(now.getTime() + CHINA_OFFSET_MS);
  const minute = china.getUTCHours() * 60 + china.getUTCMinutes();
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return null;
  const endToday = Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate()) + end * 60_000;
  const endChina = minute < end ? endToday : endToday + 86_400_000;
  return new Date(endChina - CHINA_OFFSET_MS);
}

/** When a message of this kind may go out if `now` is in the quiet hours (null: now). */
export function heldUntil(kind: string, now: Date, quietHours: ReminderSettings['quietHours']): Date | null {
  if ((TRANSACTIONAL_MESSAGE_KINDS as readonly string[]).includes(kind)) return null;
  return quietUntil(now, quietHours);
}

/** Minutes to wait after the n-th failed attempt: 1, 5, 30 minutes, 2 hours, 6 hours; then the message is dead. */
export const RETRY_DELAYS_MINUTES = [1, 5, 30, 120, 360] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MINUTES.length + 1;

/** After the `attempts`-th failure: when to try again, or null when it was the last attempt (dead). */
export function nextAttemptAfterFailure(attempts: number, now: Date): Date | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const minutes = RETRY_DELAYS_MINUTES[Math.max(0, attempts - 1)]!;
  return new Date(now.getTime() + minutes * 60_000);
}
