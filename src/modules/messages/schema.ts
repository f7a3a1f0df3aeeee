import { Type } from '@sinclair/typebox';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { CHANNELS, MAX_BEFORE_DUE_DAYS, MAX_OVERDUE_EVERY_DAYS } from './rules.ts';

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: '中国时间 HH:MM，如 21:00',
});
const Channel = Type.Union(
  CHANNELS.map((channel) => Type.Literal(channel)),
  { description: 'sms 短信；wechat 微信公众号模板消息（仅已绑定微信的承租方）' },
);

export const ReminderSettingsSchema = Type.Object(
  {
    beforeDueDays: Type.Array(Type.Integer({ minimum: 1, maximum: MAX_BEFORE_DUE_DAYS }), {
      maxItems: 10,
      description: '到期前几天提醒，如 [7, 3]',
    }),
    onDueDate: Type.Boolean({ description: '到期当日提醒' }),
    overdueEveryDays: Type.Integer({
      minimum: 0,
      maximum: MAX_OVERDUE_EVERY_DAYS,
      description: '逾期后每隔几天催缴一次；0 表示不催缴',
    }),
    quietHours: Type.Object(
      { start: ClockTime, end: ClockTime },
      { additionalProperties: false, description: '免打扰时段（跨午夜时 start 晚于 end；相同表示不设）' },
    ),
    channels: Type.Array(Channel, { maxItems: 2 }),
  },
  { additionalProperties: false },
);

export const RunRemindersBody = Type.Object(
  { asOf: Type.Optional({ ...DateString, description: '按哪一天扫描（默认今天，中国时间）' }) },
  { additionalProperties: false },
);

export const RunRemindersResult = Type.Object({ queued: Type.Integer({ description: '新加入待发送队列的消息数' }) });

const MessageStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
  Type.Literal('dead'),
]);

export const MessageListQuery = Type.Object(
  {
    channel: Type.Optional(Channel),
    status: Type.Optional(MessageStatus),
    tenantId: Type.Optional(Type.String({ format: 'uuid' })),
    billId: Type.Optional(Type.String({ format: 'uuid' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const MessageSchema = Type.Object({
  id: Type.String(),
  channel: Channel,
  kind: Type.String(),
  tenantId: Nullable(Type.String()),
  tenantName: Nullable(Type.String()),
  billId: Nullable(Type.String()),
  billNumber: Nullable(Type.String()),
  recipientMasked: Type.String(),
  templateCode: Type.String(),
  body: Type.String(),
  payLink: Nullable(Type.String()),
  status: MessageStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  provider: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Nullable(Type.String({ format: 'date-time' })),
});

export const PayLinkParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2000 }) });

const NullableDate = Type.Union([DateString, Type.Null()]);

export const PayLinkViewSchema = Type.Object({
  bill: Type.Object({
    id: Type.String(),
    number: Type.String(),
    kind: Type.String({ description: 'rent 租金；deposit 保证金；charge 杂费；final 终止结算' }),
    periodStart: NullableDate,
    periodEnd: NullableDate,
    dueDate: DateString,
    amountFen: Type.Integer({ description: '本金（分）' }),
    paidFen: Type.Integer({ description: '已缴（本金与违约金，分）' }),
    lateFeeFen: Type.Integer({ description: '截至今日的违约金（分）' }),
    payableFen: Type.Integer({ description: '今日应缴（分）' }),
    status: Type.String({ description: 'open 未缴；partial 部分已缴；paid 已缴清' }),
    overdue: Type.Boolean(),
    overdueDays: Type.Integer(),
    description: Type.Union([Type.String(), Type.Null()]),
  }),
  tenantName: Type.String({ description: '企业名称；个人只显示姓氏，如 张*' }),
  orgName: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
