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
  // Assets (资产台账)
  asset_type_project: { zh: '项目', en: 'a project' },
  asset_type_building: { zh: '楼栋', en: 'a building' },
  asset_type_floor: { zh: '楼层', en: 'a floor' },
  asset_type_unit: { zh: '房间/铺位', en: 'a unit' },
  asset_type_land: { zh: '土地', en: 'land' },
  asset_type_parking: { zh: '车位', en: 'a parking space' },
  asset_type_warehouse: { zh: '仓库', en: 'a warehouse' },
  asset_type_factory: { zh: '厂房', en: 'a factory' },
  asset_parents_of_building: { zh: '项目', en: 'a project' },
  asset_parents_of_floor: { zh: '楼栋', en: 'a building' },
  asset_parents_of_unit: { zh: '楼层或楼栋', en: 'a floor or a building' },
  asset_parents_of_parking: { zh: '项目、楼栋或楼层', en: 'a project, a building or a floor' },
  asset_parents_of_land: { zh: '项目', en: 'a project' },
  asset_parents_of_warehouse: { zh: '项目', en: 'a project' },
  asset_parents_of_factory: { zh: '项目', en: 'a project' },
  asset_parents_of_project: { zh: '（无）', en: '(nothing)' },
  asset_parent_required: {
    zh: '{type}必须放在{allowed}之下，请选择上级资产',
    en: '{type} must sit under {allowed}; choose its parent',
  },
  asset_parent_not_allowed: {
    zh: '{type}不能放在{parentType}之下，应放在{allowed}之下',
    en: '{type} cannot sit under {parentType}; put it under {allowed}',
  },
  asset_must_be_top_level: { zh: '{type}是顶级资产，不能有上级资产', en: '{type} is top-level and has no parent' },
  asset_children_not_allowed: {
    zh: '改为{type}后，下级资产 {childCode}（{childType}）不能再放在它之下，请先调整下级资产',
    en: 'As {type} it could no longer hold its child {childCode} ({childType}); move the child first',
  },
  asset_parent_not_found: { zh: '上级资产不存在：{parent}', en: 'No such parent asset: {parent}' },
  asset_code_taken: {
    zh: '资产编号 {code} 已被资产“{name}”使用，请换一个编号',
    en: 'The asset code {code} is already used by “{name}”; choose another',
  },
  asset_area_invalid: {
    zh: '面积应为平方米数，最多 10 位整数、2 位小数，如 120.50',
    en: 'The area is in square metres, up to 10 digits and 2 decimals, e.g. 120.50',
  },
  asset_status_leased_by_contract: {
    zh: '“已出租”状态只能由生效的租赁合同设置，不能手工设置',
    en: 'Only an active lease contract sets an asset to leased; it cannot be set by hand',
  },
  asset_leased_status_locked: {
    zh: '资产已出租，状态由租赁合同决定；合同终止或到期后才能修改',
    en: 'The asset is leased: its contract decides its status until the contract ends',
  },
  asset_disposed_final: { zh: '资产已处置，状态不能再修改', en: 'The asset is disposed of; its status cannot change' },
  asset_not_leasable: {
    zh: '资产 {code} 当前状态为{status}，不能出租',
    en: 'Asset {code} is {status} and cannot be leased',
  },
  asset_status_vacant: { zh: '空置', en: 'vacant' },
  asset_status_leased: { zh: '已出租', en: 'leased' },
  asset_status_reserved: { zh: '预留', en: 'reserved' },
  asset_status_self_use: { zh: '自用', en: 'in own use' },
  asset_status_unavailable: { zh: '维修/不可租', en: 'unavailable' },
  asset_status_disposed: { zh: '已处置', en: 'disposed' },
  // Files
  multipart_required: {
    zh: '请以 multipart/form-data 方式上传文件（字段名 file）',
    en: 'Upload the file as multipart/form-data (field name "file")',
  },
  file_missing: { zh: '没有收到文件，请选择要上传的文件', en: 'No file received; choose a file to upload' },
  file_empty: { zh: '文件是空的，请重新选择', en: 'The file is empty; choose another' },
  file_too_large: {
    zh: '文件过大，上限 {limitMb} MB，请压缩后再上传',
    en: 'The file is too large (limit {limitMb} MB); make it smaller',
  },
  attachment_type: {
    zh: '只能上传 JPG、PNG、WebP 图片或 PDF、Word（.docx）文档，该文件不是这些格式',
    en: 'Only JPG, PNG or WebP images and PDF or Word (.docx) documents can be uploaded; this file is none of them',
  },
  attachment_missing_content: {
    zh: '附件文件已丢失，请重新上传',
    en: 'The attachment file is missing from storage; upload it again',
  },
  // Tenants (承租方) and personal data
  id_number_old_format: {
    zh: '请填写 18 位身份证号（15 位旧号码已停用）',
    en: 'Enter the 18-character ID number (15-digit numbers are no longer valid)',
  },
  id_number_length: {
    zh: '身份证号应为 18 位，当前为 {length} 位',
    en: 'An ID number has 18 characters; this one has {length}',
  },
  id_number_characters: {
    zh: '身份证号应为 17 位数字加 1 位数字或 X',
    en: 'An ID number is 17 digits followed by a digit or X',
  },
  id_number_region: {
    zh: '身份证号前两位 {region} 不是有效的省级行政区划代码',
    en: 'The first two digits {region} of the ID number are not a province code',
  },
  id_number_birth_date: {
    zh: '身份证号中的出生日期 {date} 不是有效日期',
    en: 'The birth date {date} in the ID number is not a valid date',
  },
  id_number_checksum: {
    zh: '身份证号校验位错误：应为 {expected}',
    en: 'The ID number check character is wrong: it should be {expected}',
  },
  credit_code_length: {
    zh: '统一社会信用代码应为 18 位，当前为 {length} 位',
    en: 'A unified social credit code has 18 characters; this one has {length}',
  },
  credit_code_character: {
    zh: '统一社会信用代码第 {position} 位“{character}”不是有效字符（只用数字和除 I、O、Z、S、V 以外的大写字母）',
    en: 'Character {position} “{character}” of the credit code is not allowed (digits and capitals except I, O, Z, S, V)',
  },
  credit_code_checksum: {
    zh: '统一社会信用代码第 18 位校验码错误：应为 {expected}',
    en: 'The 18th character (check code) of the credit code is wrong: it should be {expected}',
  },
  mobile_format: {
    zh: '手机号应为 11 位数字，以 13–19 开头',
    en: 'A mobile number has 11 digits and starts with 13–19',
  },
  phone_format: {
    zh: '电话应为手机号或带区号的固定电话（如 023-49881234）',
    en: 'Enter a mobile or a fixed line with its area code (e.g. 023-49881234)',
  },
  tenant_id_number_required: { zh: '个人承租方必须填写身份证号', en: 'An individual tenant needs an ID number' },
  tenant_credit_code_required: {
    zh: '企业承租方必须填写统一社会信用代码',
    en: 'An enterprise tenant needs a unified social credit code',
  },
  tenant_id_number_not_for_enterprise: {
    zh: '企业承租方不填身份证号（法定代表人的证件不在此登记）',
    en: 'An enterprise tenant has no ID number; enter its credit code',
  },
  tenant_credit_code_not_for_individual: {
    zh: '个人承租方不填统一社会信用代码',
    en: 'An individual tenant has no credit code',
  },
  tenant_id_number_taken: {
    zh: '该身份证号已登记为承租方 {name}（编号 {code}）',
    en: 'This ID number is already registered as tenant {name} (code {code})',
  },
  tenant_credit_code_taken: {
    zh: '该统一社会信用代码已登记为承租方 {name}（编号 {code}）',
    en: 'This credit code is already registered as tenant {name} (code {code})',
  },
  bank_account_format: {
    zh: '银行账号应为 8–30 位数字',
    en: 'A bank account number has 8–30 digits',
  },
  // Spreadsheet import
  import_not_xlsx: {
    zh: '请上传 Excel .xlsx 文件（可先下载导入模板）',
    en: 'Upload an Excel .xlsx file (download the import template first)',
  },
  import_missing_columns: {
    zh: '表格缺少列：{columns}（请使用导入模板，不要修改第一行标题）',
    en: 'The sheet lacks the columns {columns} (use the import template; keep its header row)',
  },
  import_no_rows: { zh: '表格中没有数据行', en: 'The sheet has no data rows' },
  import_too_many_rows: {
    zh: '一次最多导入 {limit} 行，该表格有 {rows} 行，请分批导入',
    en: 'At most {limit} rows per import; this sheet has {rows}: split it',
  },
  import_rejected: {
    zh: '导入未执行：共 {total} 行，其中 {invalid} 行有错误，未写入任何数据；请按错误清单修改后重新导入',
    en: 'Nothing imported: {invalid} of {total} rows have errors; correct them and import again',
  },
  import_concurrent_change: {
    zh: '导入期间有人新建了相同编号的记录，未写入任何数据，请重新导入',
    en: 'Someone created a record with the same code during the import; nothing was written, import again',
  },
  cell_required: { zh: '必填，不能为空', en: 'required' },
  cell_choice: { zh: '应为以下之一：{choices}', en: 'must be one of: {choices}' },
  cell_date: { zh: '日期应为 YYYY-MM-DD 格式的有效日期', en: 'must be a valid date, YYYY-MM-DD' },
  cell_money: {
    zh: '金额以元为单位，最多 2 位小数，不能为负',
    en: 'an amount in yuan, at most 2 decimals, not negative',
  },
  cell_too_long: { zh: '不能超过 {max} 个字符', en: 'at most {max} characters' },
  cell_id_number_as_number: {
    zh: '身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为“文本”格式后重新填写',
    en: 'Excel stored the ID number as a number and may have lost its last digits; format the column as text and retype it',
  },
  import_duplicate_in_file: { zh: '与第 {row} 行重复', en: 'duplicates row {row}' },
  import_parent_unknown: {
    zh: '上级资产编号 {code} 在系统和本表中都不存在',
    en: 'The parent code {code} is neither in the registry nor in this sheet',
  },
  // Lease contracts (租赁合同)
  contract_status_draft: { zh: '草稿', en: 'a draft' },
  contract_status_pending_approval: { zh: '审批中', en: 'pending approval' },
  contract_status_approved: { zh: '已审批', en: 'approved' },
  contract_status_active: { zh: '生效中', en: 'active' },
  contract_status_expired: { zh: '已到期', en: 'expired' },
  contract_status_terminated: { zh: '已终止', en: 'terminated' },
  contract_action_update: { zh: '修改', en: 'be edited' },
  contract_action_submit: { zh: '提交审批', en: 'be submitted' },
  contract_action_approve: { zh: '审批通过', en: 'be approved' },
  contract_action_reject: { zh: '驳回', en: 'be rejected' },
  contract_action_activate: { zh: '签订生效', en: 'be activated' },
  contract_action_terminate: { zh: '提前终止', en: 'be terminated' },
  contract_action_renew: { zh: '续签', en: 'be renewed' },
  contract_wrong_status: {
    zh: '合同 {number} 当前为“{status}”，不能{action}',
    en: 'Contract {number} is {status} and cannot {action}',
  },
  contract_tenant_not_found: {
    zh: '承租方不存在：{id}，请先登记承租方',
    en: 'No such tenant: {id}; register the tenant first',
  },
  contract_asset_not_found: { zh: '资产不存在：{id}', en: 'No such asset: {id}' },
  contract_asset_not_leasable_type: {
    zh: '资产 {code} 是{type}，不能单独出租；请选择房间/铺位、车位、土地、仓库或厂房',
    en: 'Asset {code} is {type} and is not leased as a whole; choose units, parking spaces, land, warehouses or factories',
  },
  contract_overlap: {
    zh: '资产 {code} 在 {from} 至 {to} 已由合同 {number} 租用，与本合同租期重叠',
    en: 'Asset {code} is leased by contract {number} from {from} to {to}, which overlaps this term',
  },
  contract_tender_required: {
    zh: '年租金 {annualRent} 元达到公开招租标准（{threshold} 元），提交审批前请填写招租公告编号和成交确认书编号',
    en: 'An annual rent of {annualRent} yuan reaches the public tender threshold ({threshold} yuan); enter the tender announcement and deal confirmation numbers before submitting',
  },
  contract_same_approver: {
    zh: '您已审批过本合同的第 {level} 级，第 {next} 级须由另一位审批人审批',
    en: 'You approved level {level} of this contract; level {next} needs a different approver',
  },
  contract_approval_taken: {
    zh: '这一级审批刚刚已由他人处理，请刷新后查看',
    en: 'This approval level was just decided by someone else; reload the contract',
  },
  contract_sign_date_future: {
    zh: '签订日期 {signDate} 晚于今天，请填写实际签订日期',
    en: 'The signing date {signDate} is in the future; enter the day it was signed',
  },
  contract_termination_date_outside: {
    zh: '提前终止日期应晚于开始日期 {startDate} 且早于结束日期 {endDate}',
    en: 'An early termination date must come after the start date {startDate} and before the end date {endDate}',
  },
  contract_renewal_exists: {
    zh: '合同 {number} 已有续签合同 {renewal}',
    en: 'Contract {number} already has the renewal {renewal}',
  },
  contract_template_unreadable: {
    zh: '模板不是有效的 Word .docx 文件（请在 Word 中另存为 .docx 后上传）',
    en: 'The template is not a valid Word .docx file (save it as .docx in Word and upload again)',
  },
  contract_template_unknown_placeholders: {
    zh: '模板中有无法识别的占位符：{names}（可用的占位符见 GET /api/v1/contract-templates/placeholders）',
    en: 'The template has unknown placeholders: {names} (see GET /api/v1/contract-templates/placeholders)',
  },
  contract_template_syntax: {
    zh: '模板中有 {count} 处占位符写法有误：{details}',
    en: 'The template has {count} malformed placeholders: {details}',
  },
  settings_tiers_first_not_zero: {
    zh: '第一档审批的年租金起点应为 0',
    en: 'The first approval tier starts at an annual rent of 0',
  },
  settings_tiers_not_increasing: {
    zh: '第 {n} 档的年租金起点应高于上一档，审批级数不能少于上一档',
    en: 'Tier {n} must start above the previous tier and need at least as many levels',
  },
  settings_term_above_law: {
    zh: '租期上限不能超过 {max} 年（《民法典》第七百零五条）',
    en: 'The term limit cannot exceed {max} years (Civil Code art. 705)',
  },
  settings_prefix_invalid: {
    zh: '合同编号前缀应为 1–10 位大写字母或数字，以字母开头，如 ZX',
    en: 'The number prefix is 1–10 capital letters or digits, starting with a letter, e.g. ZX',
  },
  billing_through_date_invalid: {
    zh: '开账截止日期 {date} 不是有效日期，请使用 YYYY-MM-DD 格式',
    en: 'The billing date {date} is not a valid date; use YYYY-MM-DD',
  },
  billing_through_date_too_far: {
    zh: '开账截止日期 {date} 太远，最晚只能到 {latest}',
    en: 'The billing date {date} is too far ahead; the latest allowed is {latest}',
  },
  bill_already_void: { zh: '账单 {number} 已作废', en: 'Bill {number} is already void' },
  bill_void_paid: {
    zh: '账单 {number} 已有收款，不能作废或重开；请先处理收款',
    en: 'Bill {number} has payments applied; it cannot be voided or reissued',
  },
  bill_reason_required: { zh: '请填写原因', en: 'Give a reason' },
  bill_contract_not_billable: {
    zh: '合同 {number} 当前状态为{status}，不能开具账单（仅生效中、已到期或已终止的合同可以）',
    en: 'Contract {number} is {status}; only active, expired or terminated contracts are billed',
  },
  bill_amount_invalid: {
    zh: '金额应为大于 0 的整数（单位：分），最多 {max}',
    en: 'The amount is a whole number of fen above 0, at most {max}',
  },
  bill_tax_rate_invalid: {
    zh: '税率 {rate} 无效，应为 0 到 1 之间的小数，如 0.09',
    en: 'The tax rate {rate} is invalid; use a decimal between 0 and 1, e.g. 0.09',
  },
  bill_date_invalid: {
    zh: '日期 {date} 无效，请使用 YYYY-MM-DD 格式',
    en: 'The date {date} is invalid; use YYYY-MM-DD',
  },
  // Reminders and pay links (催缴提醒、缴费链接)
  reminders_days_repeated: {
    zh: '提前提醒天数 {days} 重复了，每个天数只填一次',
    en: 'The reminder day {days} is listed twice; list each number of days once',
  },
  reminders_channel_repeated: {
    zh: '提醒渠道 {channel} 重复了，每个渠道只选一次',
    en: 'The channel {channel} is listed twice; choose each channel once',
  },
  pay_link_forged: {
    zh: '缴费链接无效（可能被改动或不完整），请使用短信或微信中的完整链接',
    en: 'This pay link is not valid (altered or incomplete); use the whole link from the SMS or WeChat message',
  },
  pay_link_expired: {
    zh: '缴费链接已于 {expiredAt} 过期，请联系物业或财务重新获取',
    en: 'This pay link expired on {expiredAt}; ask the property office for a new one',
  },
  pay_link_bill_void: {
    zh: '账单 {number} 已作废，无需缴费；如有疑问请联系物业或财务',
    en: 'Bill {number} has been voided and need not be paid; ask the property office if in doubt',
  },
  // Payments, penalties and waivers (收款、违约金、减免)
  payment_amount_not_positive: {
    zh: '收款金额应为大于 0 的整数（单位：分）',
    en: 'The amount received must be a whole number of fen above 0',
  },
  payment_tenant_not_found: {
    zh: '承租方 {id} 不存在或不属于本公司',
    en: 'The tenant {id} does not exist in this organisation',
  },
  // Tenant portal login (承租方门户短信登录) and receipts (H4)
  portal_code_wait: {
    zh: '验证码获取过于频繁，请 {seconds} 秒后再试',
    en: 'A code was sent a moment ago; ask for another in {seconds} seconds',
  },
  portal_code_daily_limit: {
    zh: '该手机号 24 小时内获取验证码已达 {limit} 次，请明天再试或联系物业、财务',
    en: 'This phone has had {limit} codes in 24 hours; try tomorrow or contact the property office',
  },
  portal_code_wrong: {
    zh: '验证码错误，还可再试 {remaining} 次',
    en: 'Wrong code; {remaining} more tries',
  },
  portal_code_expired: {
    zh: '验证码已失效或已过期，请重新获取验证码',
    en: 'The code has expired or was already used; ask for a new code',
  },
  portal_code_attempts: {
    zh: '验证码错误次数过多，已失效，请重新获取验证码',
    en: 'Too many wrong codes; this code no longer works, ask for a new one',
  },
  payment_bill_not_found: {
    zh: '账单 {id} 不存在或不属于本公司',
    en: 'The bill {id} does not exist in this organisation',
  },
  payment_bill_other_tenant: {
    zh: '账单 {number} 不是该承租方的账单，不能用这笔收款核销',
    en: 'Bill {number} belongs to another tenant; this payment cannot settle it',
  },
  payment_bill_void: { zh: '账单 {number} 已作废，不能收款', en: 'Bill {number} is void and cannot be paid' },
  payment_bill_paid: {
    zh: '账单 {number} 已结清，无需再收款；多收的款项可不选账单作为预收款登记',
    en: 'Bill {number} is already settled; record extra money without choosing bills to keep it as an advance',
  },
  payment_received_in_future: {
    zh: '到账日期 {date} 晚于今天（{today}），请填写实际到账的日期',
    en: 'The date received {date} is after today ({today}); enter the day the money actually arrived',
  },
  payment_reference_duplicate: {
    zh: '流水号 {reference} 已登记过（收款单 {number}），请勿重复登记',
    en: 'The reference {reference} is already recorded (payment {number}); do not record it twice',
  },
  waiver_reason_required: { zh: '请填写减免原因', en: 'Give the reason for the waiver' },
  waiver_note_required: { zh: '请填写驳回理由', en: 'Give the reason for rejecting' },
  waiver_bill_void: { zh: '账单 {number} 已作废，不能减免违约金', en: 'Bill {number} is void; nothing to waive' },
  waiver_exceeds_penalty: {
    zh: '减免金额 {amount} 元超过承租方目前尚欠的违约金 {owed} 元',
    en: 'The waiver of {amount} yuan exceeds the penalty the tenant still owes ({owed} yuan)',
  },
  waiver_pending_exists: {
    zh: '账单 {number} 已有一笔待审批的减免申请，请等待审批结果后再申请',
    en: 'Bill {number} already has a waiver request waiting for approval',
  },
  waiver_decided: {
    zh: '该减免申请已处理（{status}），不能再次审批',
    en: 'This waiver request has already been decided ({status})',
  },
  waiver_self_approval: {
    zh: '不能审批自己提交的减免申请，请由其他审批人审批',
    en: 'You cannot approve or reject your own waiver request; another approver must decide',
  },
  refund_reason_required: { zh: '请填写退款原因', en: 'Give the reason for the refund' },
  refund_note_required: { zh: '请填写驳回理由', en: 'Give the reason for rejecting' },
  refund_payment_required: { zh: '请选择要退还预收款的收款记录', en: 'Choose the payment whose advance is refunded' },
  refund_amount_not_positive: { zh: '退款金额须大于 0', en: 'The refund amount must be greater than 0' },
  refund_exceeds_advance: {
    zh: '退款金额 {amount} 元超过可退的预收款 {available} 元',
    en: 'The refund of {amount} yuan exceeds the advance that can be refunded ({available} yuan)',
  },
  refund_not_online: {
    zh: '该收款不是通过在线支付收取的，不能原路退回，请选择线下退款',
    en: 'This payment was not made online; it cannot go back through the channel — refund it offline',
  },
  refund_payment_other_tenant: {
    zh: '所选收款不属于该保证金的承租方',
    en: 'The chosen payment is not from the tenant who paid the deposit',
  },
  refund_deposit_bill_required: { zh: '请选择要退还的保证金账单', en: 'Choose the deposit bill to refund' },
  refund_deposit_unpaid: {
    zh: '保证金账单 {number} 尚未收款，无可退金额（收款后才能申请退还）',
    en: 'Deposit bill {number} has not been paid; there is nothing to refund',
  },
  refund_deposit_exists: {
    zh: '该保证金已有退款申请在处理中或已退还',
    en: 'This deposit already has a refund under way or done',
  },
  refund_deduction_invalid: {
    zh: '扣除项“{item}”须填写名称和大于 0 的金额',
    en: 'Deduction “{item}” needs a name and an amount greater than 0',
  },
  refund_deduction_bill: {
    zh: '扣除项“{item}”的账单须是该承租方未结清的账单，且扣除金额不超过应付 {owed} 元',
    en: 'Deduction “{item}” must name an unsettled bill of the tenant and take at most what it owes ({owed} yuan)',
  },
  refund_deductions_exceed_deposit: {
    zh: '扣除合计 {deducted} 元超过已收保证金 {deposit} 元',
    en: 'Deductions of {deducted} yuan exceed the deposit paid ({deposit} yuan)',
  },
  refund_decided: {
    zh: '该退款申请已处理（{status}），不能再审批',
    en: 'This refund request has already been decided ({status})',
  },
  refund_self_approval: {
    zh: '不能审批自己提交的退款申请，请由其他审批人审批',
    en: 'You cannot approve or reject your own refund request; another approver must decide',
  },
  refund_not_paying: {
    zh: '该退款不在渠道退款中（{status}），无需查询',
    en: 'This refund is not being paid by the channel ({status}); nothing to query',
  },
  refund_not_payable: {
    zh: '只有已批准的线下退款可以登记为已退款（当前：{status}）',
    en: 'Only an approved offline refund can be recorded as paid (now: {status})',
  },
  // Refunds, continued (helper D): channel limits, the deposit's payment, suspense items given back.
  refund_exceeds_channel: {
    zh: '退款金额 {amount} 元超过该笔在线支付还可原路退回的 {available} 元',
    en: 'The refund of {amount} yuan exceeds what can still go back through that online payment ({available} yuan)',
  },
  refund_payment_not_deposit: {
    zh: '所选在线收款 {number} 没有支付该保证金，保证金只能原路退回支付它的那笔收款',
    en: 'Payment {number} did not pay this deposit; a deposit goes back only through the payment that paid it',
  },
  refund_suspense_item_required: { zh: '请选择要退还的挂账', en: 'Choose the suspense item to refund' },
  refund_suspense_item_not_open: {
    zh: '挂账 {number} 当前为“{status}”，不能退还',
    en: 'Suspense item {number} is {status}; it cannot be refunded',
  },
  refund_suspense_no_order: {
    zh: '挂账 {number} 没有渠道订单号，无法原路退回，请核实付款人后线下处理',
    en: 'Suspense item {number} has no channel order number; it cannot go back through the channel',
  },
  suspense_status_open: { zh: '待处理', en: 'open' },
  suspense_status_refunding: { zh: '退款中', en: 'being refunded' },
  suspense_status_resolved: { zh: '已处理', en: 'resolved' },
  refund_suspense_offline: {
    zh: '挂账只能原路退回付款账户（付款人未知，不能线下转账）',
    en: 'A suspense item can only go back to the paying account through its channel',
  },
  // Idempotency-Key
  idempotency_key_invalid: {
    zh: 'Idempotency-Key 应为 1–200 个可见字符（建议使用 UUID）',
    en: 'The Idempotency-Key must be 1–200 visible characters (a UUID is a good choice)',
  },
  idempotency_key_reused: {
    zh: '该 Idempotency-Key 已用于另一个不同的请求，请为新请求生成新的 Key',
    en: 'This Idempotency-Key was used for a different request; use a new key for a new request',
  },
  idempotency_key_in_progress: {
    zh: '使用该 Idempotency-Key 的请求仍在处理中，请稍后重试',
    en: 'A request with this Idempotency-Key is still being processed; retry shortly',
  },
  ledger_account_code_taken: {
    zh: '科目编号 {code} 已被科目“{name}”使用，请换一个编号',
    en: 'The account code {code} is already used by “{name}”; choose another',
  },
  notice_bill_void: {
    zh: '账单 {number} 已作废，不能出具缴费通知单',
    en: 'Bill {number} is void; no payment notice can be issued for it',
  },
  // Online payment (在线缴费): channel settings, payment orders, suspense items (H3)
  provider_wechatpay: { zh: '微信支付', en: 'WeChat Pay' },
  provider_alipay: { zh: '支付宝', en: 'Alipay' },
  provider_unionpay: { zh: '银联', en: 'UnionPay' },
  channel_provider_unknown: {
    zh: '不支持的支付渠道 {provider}，可选 wechatpay（微信支付）、alipay（支付宝）、unionpay（银联）',
    en: 'Unknown payment provider {provider}; use wechatpay, alipay or unionpay',
  },
  channel_setting_required: { zh: '请填写{field}', en: 'Fill in {field}' },
  channel_secrets_required: {
    zh: '首次设置{provider}时须填写全部密钥（{fields}）',
    en: 'The first {provider} settings need every secret ({fields})',
  },
  channel_key_invalid: {
    zh: '{field}不是有效的 PEM 格式密钥或证书，请粘贴完整内容（含 -----BEGIN …----- 行）',
    en: '{field} is not a valid PEM key or certificate; paste all of it, BEGIN and END lines included',
  },
  channel_api_v3_key_invalid: {
    zh: 'APIv3 密钥应为 32 个字符（商户平台“API安全”中设置的密钥）',
    en: 'The API v3 key must be 32 characters (the key set under API security in the merchant platform)',
  },
  channel_url_invalid: {
    zh: '{field}应为 http:// 或 https:// 开头的网址',
    en: '{field} must be a URL starting with http:// or https://',
  },
  channel_identity_taken: {
    zh: '{provider}商户标识 {identity} 已被其他公司使用，请核对商户号/应用 ID',
    en: 'The {provider} merchant identity {identity} is used by another organisation; check the merchant and app ids',
  },
  payment_channel_unavailable: {
    zh: '{provider}暂未开通，请选择其他支付方式或联系物业、财务',
    en: '{provider} is not available yet; choose another way to pay or contact the property office',
  },
  payment_channel_failed: {
    zh: '{provider}暂时无法处理（{code}：{message}），请稍后重试或换一种支付方式',
    en: '{provider} could not handle the request ({code}: {message}); retry later or choose another way to pay',
  },
  payment_order_bill_settled: {
    zh: '账单 {number} 已结清，无需缴费',
    en: 'Bill {number} is already settled; nothing to pay',
  },
  payment_order_bill_in_progress: {
    zh: '账单 {number} 正在另一笔支付中，请稍候几秒再试',
    en: 'Bill {number} is being paid in another order; wait a few seconds and retry',
  },
  bill_paid_meanwhile: {
    zh: '账单已通过订单 {orderNo} 支付成功，无需再次支付，请刷新账单查看',
    en: 'The bill was paid meanwhile through order {orderNo}; refresh the bills instead of paying again',
  },
  payment_order_not_open: {
    zh: '支付订单 {orderNo} 当前状态为“{status}”，不能关闭',
    en: 'Payment order {orderNo} is {status}; it cannot be closed',
  },
  payment_order_paid_meanwhile: {
    zh: '支付订单 {orderNo} 已支付成功并已入账，不能关闭',
    en: 'Payment order {orderNo} has been paid and posted; it cannot be closed',
  },
  suspense_item_resolved: {
    zh: '挂账 {number} 已处理（{resolution}），不能重复处理',
    en: 'Suspense item {number} is already resolved ({resolution})',
  },
  suspense_note_required: { zh: '请填写处理说明', en: 'Give a note on how the item was resolved' },
  reconciliation_date_not_past: {
    zh: '对账日期 {date} 须早于今天（渠道次日才出前一天的账单）',
    en: 'The reconciliation date {date} must be before today (channels issue a day’s statement the next day)',
  },
  reconciliation_statement_unavailable: {
    zh: '未能从{provider}取得对账单（{code}：{message}），请稍后重试',
    en: 'Could not get the statement from {provider} ({code}: {message}); retry later',
  },
  reconciliation_statement_malformed: {
    zh: '{provider}对账单无法识别：{reason}。请重新获取，仍有问题请联系渠道',
    en: 'The {provider} statement cannot be read: {reason}. Fetch it again, or ask the channel',
  },
  // Reconciliation differences (A1)
  reconciliation_note_required: {
    zh: '请填写差异处理说明',
    en: 'Give a note on how the difference is explained or settled',
  },
  reconciliation_difference_not_open: {
    zh: '该差异当前状态为 {status}，只有待处理的差异可以提交处理',
    en: 'This difference is {status}; only an open difference can be resolved',
  },
  reconciliation_difference_not_awaiting: {
    zh: '该差异当前状态为 {status}，没有待审批的结算',
    en: 'This difference is {status}; there is no settlement awaiting approval',
  },
  reconciliation_difference_self_approval: {
    zh: '不能审批自己提交的差异结算，请由其他审批人处理',
    en: 'You cannot approve or reject a settlement you proposed; another approver must decide',
  },
  reconciliation_difference_cannot_settle: {
    zh: '{kind} 类差异不涉及渠道资金入账，不能结算，只能说明后确认',
    en: 'A {kind} difference moves no channel money here; acknowledge it with a note instead',
  },
  reconciliation_difference_settled_elsewhere: {
    zh: '该笔交易 {transactionId} 已在其他对账批次中结算，不能重复结算',
    en: 'Transaction {transactionId} has been settled by another run; it cannot be settled twice',
  },
  reconciliation_upload_format: {
    zh: '上传的文件不是{provider}对账单格式：{reason}',
    en: 'The uploaded file is not a {provider} statement: {reason}',
  },
  reconciliation_upload_missing: {
    zh: '请选择对账单文件，并填写渠道与对账日期',
    en: 'Choose the statement file and give the channel and the date',
  },
  // Bank statements (B)
  bank_statement_file_xls: {
    zh: '不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传',
    en: 'Old .xls files are not supported; save the file as .xlsx or CSV in Excel and upload it again',
  },
  bank_statement_file_encoding: {
    zh: '文件不是 UTF-8 编码，请将映射的文件编码改为 GBK 后重试',
    en: 'The file is not UTF-8; set the mapping’s encoding to GBK and retry',
  },
  bank_statement_file_unreadable: {
    zh: '无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式',
    en: 'The Excel file cannot be read; check it is an intact .xlsx file',
  },
  bank_statement_too_many_rows: {
    zh: '流水超过 50000 行，请按较短的期间分段导出后上传',
    en: 'The statement has more than 50,000 rows; export shorter periods and upload them one by one',
  },
  bank_statement_column_missing: {
    zh: '第 {row} 行（标题行）中找不到映射的列：{columns}。请检查标题行号或修改映射',
    en: 'Row {row} (the header row) lacks the mapped columns: {columns}. Check the header row or the mapping',
  },
  bank_statement_date_invalid: {
    zh: '日期“{value}”不符合格式 {format}',
    en: 'The date "{value}" does not match the format {format}',
  },
  bank_statement_amount_invalid: {
    zh: '金额“{value}”不是有效金额（以元为单位，最多两位小数）',
    en: 'The amount "{value}" is not valid money (yuan, at most two decimals)',
  },
  bank_statement_amount_missing: {
    zh: '该行没有收入或支出金额',
    en: 'The row has neither a money-in nor a money-out amount',
  },
  bank_statement_direction_missing: {
    zh: '该行没有收支方向',
    en: 'The row does not say whether money came in or went out',
  },
  bank_statement_no_lines: {
    zh: '文件中没有可导入的流水（请检查标题行号和日期列）',
    en: 'The file holds no statement lines (check the header row and the date column)',
  },
  bank_statement_rejected: {
    zh: '流水共 {total} 行，其中 {invalid} 行有错误，未导入任何数据；请按行号修改后重新上传',
    en: '{invalid} of {total} statement rows are wrong; nothing was imported. Fix the rows named and upload again',
  },
  bank_statement_mapping_amount_columns: {
    zh: '请映射“收入金额”列（可同时映射“支出金额”列），或映射“金额”列（可配“收支方向”列）',
    en: 'Map a money-in column (and optionally money-out), or one amount column (optionally with a direction column)',
  },
  bank_statement_mapping_name_taken: {
    zh: '已有名为“{name}”的流水映射，请换一个名称',
    en: 'A statement mapping named "{name}" exists already; choose another name',
  },
  bank_statement_mapping_in_use: {
    zh: '映射“{name}”已导入过流水，不能删除',
    en: 'Statements were imported with the mapping "{name}"; it cannot be deleted',
  },
  bank_statement_account_invalid: {
    zh: '银行账号应为 8–32 位数字',
    en: 'A bank account number has 8–32 digits',
  },
  bank_statement_line_decided: {
    zh: '第 {lineNo} 行流水已{status}，不能重复处理；如需更改请先撤销',
    en: 'Statement row {lineNo} is already {status}; undo it first to change it',
  },
  bank_statement_line_debit: {
    zh: '第 {lineNo} 行是支出流水，只能忽略，不能勾对收款',
    en: 'Statement row {lineNo} is money out; it can only be ignored, not matched to a payment',
  },
  bank_statement_amount_mismatch: {
    zh: '流水金额 {amount} 元与所选账单应收合计 {bills} 元不一致；金额不同时请只选承租方（按到期先后核销，余额转预收）',
    en: 'The line’s {amount} yuan differs from the {bills} yuan the chosen bills owe; to pay a different amount choose only the tenant (oldest bills first, the rest an advance)',
  },
  bank_statement_payment_amount_differs: {
    zh: '流水金额 {amount} 元与收款 {number} 的金额 {payment} 元不一致',
    en: 'The line’s {amount} yuan differs from payment {number} of {payment} yuan',
  },
  bank_statement_payment_not_transfer: {
    zh: '收款 {number} 不是银行转账，不能与银行流水关联',
    en: 'Payment {number} was not a bank transfer; it cannot be linked to a bank line',
  },
  bank_statement_payment_linked: {
    zh: '收款 {number} 已关联到另一条银行流水',
    en: 'Payment {number} is already linked to another bank line',
  },
  bank_statement_settlement_missing: {
    zh: '该对账批次没有结算凭证，不能关联',
    en: 'That reconciliation run posted no settlement; there is nothing to link',
  },
  bank_statement_settlement_amount_differs: {
    zh: '流水金额 {amount} 元与渠道结算净额 {net} 元不一致',
    en: 'The line’s {amount} yuan differs from the settlement’s net {net} yuan',
  },
  bank_statement_settlement_linked: {
    zh: '该渠道结算已关联到另一条银行流水',
    en: 'That channel settlement is already linked to another bank line',
  },
  bank_statement_serial_recorded: {
    zh: '流水号 {reference} 已登记为收款 {number}，请改为“关联已登记收款”',
    en: 'The bank serial {reference} is already recorded as payment {number}; link that payment instead',
  },
  bank_statement_undo_posted: {
    zh: '该流水已据此登记收款 {number} 并入账，不能撤销',
    en: 'Payment {number} was recorded and posted from this line; it cannot be undone',
  },
  bank_statement_undo_unmatched: {
    zh: '该流水尚未处理，无需撤销',
    en: 'The line has not been matched or ignored; there is nothing to undo',
  },
  bank_statement_status_confirmed: { zh: '勾对确认', en: 'confirmed' },
  bank_statement_status_ignored: { zh: '忽略', en: 'ignored' },
  bank_statement_note_required: {
    zh: '请填写忽略原因',
    en: 'Give the reason for ignoring the line',
  },
  // Reports (报表, #8)
  report_range_invalid: {
    zh: '起始日期 {from} 晚于截止日期 {to}，请调整筛选条件',
    en: 'The start date {from} is after the end date {to}; adjust the filter',
  },
  report_range_too_long: {
    zh: '日期区间 {from} 至 {to} 超过 {years} 年，请缩小区间',
    en: 'The range {from} to {to} is longer than {years} years; choose a shorter one',
  },
  // Accounting vouchers and the supervision export (记账凭证、监管报送, #8)
  voucher_mapping_unknown_account: {
    zh: '科目编码 {code} 不在本公司的科目表中，请先在“科目设置”中核对',
    en: 'The account code {code} is not in the organisation’s chart of accounts; check it under the chart settings',
  },
  voucher_mapping_duplicate: {
    zh: '科目 {code} 的对照重复，每个科目只能对照一次',
    en: 'The account {code} is mapped twice; map each account once',
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
  asset: { zh: '资产', en: 'Asset' },
  asset_attachment: { zh: '资产附件', en: 'Asset attachment' },
  tenant: { zh: '承租方', en: 'Tenant' },
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
  410: { zh: '已失效', en: 'Gone' },
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
