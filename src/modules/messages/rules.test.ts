import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_SETTINGS,
  heldUntil,
  MAX_ATTEMPTS,
  nextAttemptAfterFailure,
  quietUntil,
  reminderDue,
  reminderSettingsProblems,
} from './rules.ts';

const settings = { ...DEFAULT_REMINDER_SETTINGS, beforeDueDays: [7, 3], overdueEveryDays: 7 };

describe('reminder rules', () => {
  it('reminds N days before, on the day, and every overdueEveryDays days after the due date', () => {
    expect(reminderDue('2026-12-10', '2026-12-03', settings)).toEqual({ kind: 'before_due', days: 7 });
    expect(reminderDue('2026-12-10', '2026-12-07', settings)).toEqual({ kind: 'before_due', days: 3 });
    expect(reminderDue('2026-12-10', '2026-12-08', settings)).toBeNull();
    expect(reminderDue('2026-12-10', '2026-12-10', settings)).toEqual({ kind: 'due_today', days: 0 });
    expect(reminderDue('2026-12-10', '2026-12-10', { ...settings, onDueDate: false })).toBeNull();
    expect(reminderDue('2026-12-10', '2026-12-17', settings)).toEqual({ kind: 'overdue', days: 7 });
    expect(reminderDue('2026-12-10', '2026-12-24', settings)).toEqual({ kind: 'overdue', days: 14 });
    expect(reminderDue('2026-12-10', '2026-12-18', settings)).toBeNull();
    expect(reminderDue('2026-12-10', '2026-12-17', { ...settings, overdueEveryDays: 0 })).toBeNull();
  });

  it('defaults: 3 days before, on the day, weekly while overdue, quiet 21:00–08:00, SMS and WeChat', () => {
    expect(DEFAULT_REMINDER_SETTINGS).toEqual({
      beforeDueDays: [3],
      onDueDate: true,
      overdueEveryDays: 7,
      quietHours: { start: '21:00', end: '08:00' },
      channels: ['sms', 'wechat'],
    });
  });

  it('names repeated days and channels', () => {
    expect(reminderSettingsProblems({ ...settings, beforeDueDays: [3, 7, 3], channels: ['sms', 'sms'] })).toEqual([
      { path: 'beforeDueDays/2', code: 'reminders_days_repeated', params: { days: 3 } },
      { path: 'channels/1', code: 'reminders_channel_repeated', params: { channel: 'sms' } },
    ]);
  });

  it('quiet hours in China time, over midnight or within a day', () => {
    const overnight = { start: '21:00', end: '08:00' };
    // 22:30 China → 08:00 next day China (00:00 UTC).
    expect(quietUntil(new Date('2026-11-26T14:30:00Z'), overnight)).toEqual(new Date('2026-11-27T00:00:00Z'));
    // 06:00 China → 08:00 the same day.
    expect(quietUntil(new Date('2026-11-25T22:00:00Z'), overnight)).toEqual(new Date('2026-11-26T00:00:00Z'));
    expect(quietUntil(new Date('2026-11-26T00:00:00Z'), overnight)).toBeNull(); // 08:00 sharp
    expect(quietUntil(new Date('2026-11-26T12:59:00Z'), overnight)).toBeNull(); // 20:59
    expect(quietUntil(new Date('2026-11-26T13:00:00Z'), overnight)).toEqual(new Date('2026-11-27T00:00:00Z'));
    const lunch = { start: '12:00', end: '13:30' };
    expect(quietUntil(new Date('2026-11-26T04:10:00Z'), lunch)).toEqual(new Date('2026-11-26T05:30:00Z'));
    expect(quietUntil(new Date('2026-11-26T05:30:00Z'), lunch)).toBeNull();
    expect(quietUntil(new Date('2026-11-26T14:30:00Z'), { start: '08:00', end: '08:00' })).toBeNull();
  });

  it('quiet hours hold reminders only: a login code or a payment confirmation goes at 22:30', () => {
    const night = new Date('2026-11-26T14:30:00Z');
    const quietHours = DEFAULT_REMINDER_SETTINGS.quietHours;
    expect(heldUntil('bill_reminder', night, quietHours)).toEqual(new Date('2026-11-27T00:00:00Z'));
    expect(heldUntil('login_code', night, quietHours)).toBeNull();
    expect(heldUntil('payment_received', night, quietHours)).toBeNull();
  });

  it('retries after 1, 5, 30 minutes, 2 and 6 hours; the sixth failure is final', () => {
    const now = new Date('2026-11-26T03:00:00Z');
    const waits = [1, 2, 3, 4, 5].map((n) => (nextAttemptAfterFailure(n, now)!.getTime() - now.getTime()) / 60_000);
    expect(waits).toEqual([1, 5, 30, 120, 360]);
    expect(MAX_ATTEMPTS).toBe(6);
    expect(nextAttemptAfterFailure(6, now)).toBeNull();
  });
});
