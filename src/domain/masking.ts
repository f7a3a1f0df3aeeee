// How personal data is shown to someone who has not revealed it.

/** An ID number keeps its first 3 and last 4 characters: 110***********1234. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 7) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-4)}`;
}

/**
 * A mobile keeps its first 3 and last 4 digits (138****0000); a fixed line keeps its area code
 * and last 4 digits (023-****1234).
 */
export function maskPhone(phone: string): string {
  const dash = phone.indexOf('-');
  const keepStart = dash > 0 && dash <= 4 ? dash + 1 : 3;
  if (phone.length <= keepStart + 4) return phone.replace(/\d/g, '*');
  const middle = phone.slice(keepStart, -4).replace(/\d/g, '*');
  return `${phone.slice(0, keepStart)}${middle}${phone.slice(-4)}`;
}

/** A bank account keeps its last 4 digits. */
export function maskBankAccount(account: string): string {
  if (account.length <= 4) return '*'.repeat(account.length);
  return `${'*'.repeat(account.length - 4)}${account.slice(-4)}`;
}
