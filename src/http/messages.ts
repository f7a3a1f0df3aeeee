// Every message a person sees from the API, in Chinese (default) and English.

export type Language = 'zh' | 'en';

const messages = {
  malformed_json: {
    zh: '请求体不是合法的 JSON，请检查括号、引号和逗号',
    en: 'The request body is not valid JSON; check brackets, quotes and commas',
  },
  empty_body: { zh: '请求体为空，请提交 JSON 数据', en: 'The request body is empty; send a JSON document' },
  body_too_large: {
    zh: '请求体过大（上限 {limit} 字节），请缩小后重试',
    en: 'The request body is too large (limit {limit} bytes); send less',
  },
  unsupported_media_type: {
    zh: '不支持的内容类型 {type}，请使用 application/json',
    en: 'Unsupported content type {type}; use application/json',
  },
  validation_failed: { zh: '提交的数据有误，请按提示修改', en: 'Some fields are invalid; correct them and retry' },
  unauthenticated: { zh: '请先登录', en: 'Please log in first' },
  session_expired: {
    zh: '登录已过期（闲置超过 {minutes} 分钟），请重新登录',
    en: 'Your session has expired (idle for more than {minutes} minutes); please log in again',
  },
  staff_only: { zh: '该功能仅限公司员工使用', en: 'This function is for company staff only' },
  tenant_only: { zh: '该功能仅限承租方使用', en: 'This function is for tenants only' },
  forbidden: {
    zh: '您没有执行此操作的权限（需要权限：{permission}）',
    en: 'You are not allowed to do this (permission needed: {permission})',
  },
  not_found: { zh: '未找到{entity}', en: '{entity} not found' },
  route_not_found: { zh: '接口不存在：{method} {url}', en: 'No such endpoint: {method} {url}' },
  bad_credentials: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  bad_credentials_remaining: {
    zh: '用户名或密码错误，再错 {remaining} 次账号将被锁定 {minutes} 分钟',
    en: 'Wrong username or password; {remaining} more failures lock the account for {minutes} minutes',
  },
  account_locked: {
    zh: '账号因连续登录失败已被锁定，请于 {until} 后再试或联系管理员解锁',
    en: 'The account is locked after repeated failed logins; try again after {until} or ask an administrator',
  },
  account_disabled: { zh: '账号已停用，请联系管理员', en: 'The account is disabled; contact an administrator' },
  password_policy: {
    zh: '密码不符合要求：{problems}',
    en: 'The password does not meet the policy: {problems}',
  },
  password_too_short: { zh: '至少 8 个字符', en: 'at least 8 characters' },
  password_too_few_classes: {
    zh: '需包含大写字母、小写字母、数字、符号中的至少 3 类',
    en: 'at least 3 of upper-case, lower-case, digits and symbols',
  },
  password_contains_username: { zh: '不能包含用户名', en: 'must not contain the username' },
  wrong_current_password: { zh: '当前密码不正确', en: 'The current password is wrong' },
  username_taken: {
    zh: '用户名 {username} 已被使用，请换一个',
    en: 'The username {username} is taken; choose another',
  },
  cannot_disable_self: {
    zh: '不能停用或移除自己的管理员账号',
    en: 'You cannot disable your own account or remove your own admin role',
  },
  // Contract terms, the rent schedule and the late-payment penalty
  rules_broken: {
    zh: '有 {count} 处填写有误，请按 errors 中的提示逐项修改',
    en: '{count} fields break the rules; correct each one as listed in errors',
  },
  field_date_invalid: {
    zh: '{field}应为 YYYY-MM-DD 格式的有效日期，如 2026-01-15',
    en: '{field} must be a valid date YYYY-MM-DD, e.g. 2026-01-15',
  },
  field_rate_format: {
    zh: '{field}应为写成文本的小数，如 "{example}"（不用百分号、正负号或科学计数法）',
    en: '{field} must be a decimal written as text, e.g. "{example}" (no %, sign or exponent)',
  },
  field_rate_too_precise: { zh: '{field}最多 {places} 位小数', en: '{field} has at most {places} decimal places' },
  field_rate_too_high: { zh: '{field}不能大于 {max}', en: '{field} cannot be above {max}' },
  field_rate_not_below: { zh: '{field}应小于 {max}', en: '{field} must be below {max}' },
  field_whole_number_invalid: {
    zh: '{field}应为 {min} 到 {max} 之间的整数',
    en: '{field} must be a whole number from {min} to {max}',
  },
  field_fen_invalid: {
    zh: '{field}应为以“分”为单位的整数，最小 {min}（1 元 = 100 分）',
    en: '{field} must be a whole number of fen, at least {min} (1 yuan = 100 fen)',
  },
  terms_end_not_after_start: {
    zh: '结束日期 {endDate} 应晚于开始日期 {startDate}',
    en: 'The end date {endDate} must come after the start date {startDate}',
  },
  terms_too_long: {
    zh: '租期不能超过 {years} 年（《民法典》第七百零五条），结束日期最晚为 {latest}',
    en: 'A lease runs at most {years} years (Civil Code art. 705); the latest end date is {latest}',
  },
  terms_billing_cycle_invalid: {
    zh: '缴费周期只能是 {cycles} 个月（月付、季付、半年付、年付）',
    en: 'The billing cycle is {cycles} months (monthly, quarterly, half-yearly or yearly)',
  },
  terms_rent_mode_invalid: {
    zh: '租金方式应为 fixed（固定月租金）或 per_area（按面积计租）',
    en: 'The rent mode is fixed (a monthly amount) or per_area (price per m²)',
  },
  terms_rent_area_invalid: {
    zh: '计租面积应为大于 0 的平方米数，最多 2 位小数，写成文本，如 "120.50"',
    en: 'The rented area is square metres above 0 with at most 2 decimals, as text, e.g. "120.50"',
  },
  terms_rent_free_reversed: {
    zh: '免租期结束日 {to} 早于开始日 {from}，请对调两个日期',
    en: 'The rent-free range ends ({to}) before it starts ({from}); swap the dates',
  },
  terms_rent_free_outside_term: {
    zh: '免租期 {from} 至 {to} 超出了租期 {startDate} 至 {endDate}，请放在租期之内',
    en: 'The rent-free range {from} to {to} is outside the term {startDate} to {endDate}; keep it inside',
  },
  terms_rent_free_overlap: {
    zh: '该免租期与第 {other} 段免租期（{from} 至 {to}）重叠，请合并为一段',
    en: 'This rent-free range overlaps range {other} ({from} to {to}); merge them into one',
  },
  terms_amount_too_large: {
    zh: '租金金额超出系统可计算的范围，请检查月租金、单价和递增率',
    en: 'The rent grows beyond what can be computed; check the monthly rent, unit price and escalation rate',
  },
  label_start_date: { zh: '开始日期', en: 'The start date' },
  label_end_date: { zh: '结束日期', en: 'The end date' },
  label_monthly_rent: { zh: '月租金', en: 'The monthly rent' },
  label_unit_price: { zh: '单价（分/㎡/月）', en: 'The unit price (fen per m² per month)' },
  label_area: { zh: '计租面积', en: 'The rented area' },
  label_due_offset_days: { zh: '应缴日偏移天数', en: 'The due-date offset' },
  label_rent_free_from: { zh: '第 {n} 段免租期的开始日', en: 'The start of rent-free range {n}' },
  label_rent_free_to: { zh: '第 {n} 段免租期的结束日', en: 'The end of rent-free range {n}' },
  label_escalation_every_months: { zh: '递增间隔月数', en: 'The escalation interval in months' },
  label_escalation_rate: { zh: '递增率', en: 'The escalation rate' },
  label_deposit: { zh: '保证金', en: 'The deposit' },
  label_daily_rate: { zh: '日违约金率', en: 'The daily penalty rate' },
  label_grace_days: { zh: '宽限天数', en: 'The grace days' },
  label_cap_ratio: { zh: '违约金上限比例', en: 'The penalty cap ratio' },
  label_tax_rate: { zh: '税率', en: 'The tax rate' },
  label_principal: { zh: '本金', en: 'The principal' },
  label_due_date: { zh: '应缴日期', en: 'The due date' },
  label_as_of: { zh: '计算截止日期', en: 'The as-of date' },
  label_payment_date: { zh: '第 {n} 笔缴款的日期', en: 'The date of payment {n}' },
  label_payment_amount: { zh: '第 {n} 笔缴款的金额', en: 'The amount of payment {n}' },
  label_field: { zh: '该字段', en: 'This field' },
  too_many_requests: {
    zh: '请求过于频繁，请 {after} 后再试',
    en: 'Too many requests; retry after {after}',
  },
  internal: {
    zh: '服务器内部错误，请稍后重试；如持续出现请联系管理员（错误编号 {requestId}）',
    en: 'Internal server error; retry later, and contact an administrator if it persists (error id {requestId})',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof messages;
/** A parameter may itself be a list of message keys, shown translated and joined. */
export type MessageParams = Record<string, string | number | MessageKey[]>;

export function translate(key: MessageKey, language: Language, params: MessageParams = {}): string {
  return messages[key][language].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (Array.isArray(value))
      return value.map((item) => translate(item, language)).join(language === 'zh' ? '；' : '; ');
    return String(value ?? `{${name}}`);
  });
}

const entityNames: Record<string, Record<Language, string>> = {
  user: { zh: '用户', en: 'User' },
  org: { zh: '组织', en: 'Organisation' },
  audit_entry: { zh: '审计记录', en: 'Audit entry' },
};

export function entityName(entity: string, language: Language): string {
  return entityNames[entity]?.[language] ?? entity;
}

export function registerEntityNames(names: Record<string, Record<Language, string>>): void {
  Object.assign(entityNames, names);
}

const titles: Record<number, Record<Language, string>> = {
  400: { zh: '请求有误', en: 'Bad request' },
  401: { zh: '未登录', en: 'Unauthorized' },
  403: { zh: '无权限', en: 'Forbidden' },
  404: { zh: '不存在', en: 'Not found' },
  409: { zh: '冲突', en: 'Conflict' },
  413: { zh: '请求过大', en: 'Payload too large' },
  415: { zh: '内容类型不支持', en: 'Unsupported media type' },
  422: { zh: '无法处理', en: 'Unprocessable content' },
  423: { zh: '已锁定', en: 'Locked' },
  429: { zh: '请求过多', en: 'Too many requests' },
  500: { zh: '服务器错误', en: 'Internal server error' },
};

export function statusTitle(status: number, language: Language): string {
  return titles[status]?.[language] ?? (language === 'zh' ? '错误' : 'Error');
}

export function languageOf(acceptLanguage: string | undefined): Language {
  return acceptLanguage?.trim().toLowerCase().startsWith('en') ? 'en' : 'zh';
}
