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
