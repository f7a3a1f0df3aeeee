// Telephone numbers in mainland China: mobile (11 digits, 1[3-9]…), fixed lines with an area code, 400/800 lines.

const MOBILE = /^1[3-9]\d{9}$/;
/** Area code 0 + 2–3 digits, then 7–8 digits, optionally an extension. */
const FIXED_LINE = /^0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?$/;
const SERVICE_LINE = /^[48]00-?\d{3}-?\d{4}$/;

export type PhoneProblem = { key: 'mobile_format' } | { key: 'phone_format' };

/** Spaces, dashes between mobile digits and a +86 / 0086 prefix removed; a fixed line keeps its dashes. */
export function normalizePhone(input: string): string {
  let phone = input.replace(/[\s()（）]/g, '');
  phone = phone.replace(/^(\+86|0086)-?/, '');
  const digitsOnly = phone.replaceAll('-', '');
  return MOBILE.test(digitsOnly) ? digitsOnly : phone;
}

export const isMobile = (phone: string) => MOBILE.test(normalizePhone(phone));

/** A number the H5 portal can send a text message to. */
export function mobileProblem(input: string): PhoneProblem | null {
  return MOBILE.test(normalizePhone(input)) ? null : { key: 'mobile_format' };
}

/** A contact number: a mobile, a fixed line such as 023-49881234, or a 400/800 line. */
export function phoneProblem(input: string): PhoneProblem | null {
  const phone = normalizePhone(input);
  return MOBILE.test(phone) || FIXED_LINE.test(phone) || SERVICE_LINE.test(phone) ? null : { key: 'phone_format' };
}
