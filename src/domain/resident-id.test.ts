import { describe, expect, it } from 'vitest';
import { makeResidentId, residentIdCheckChar, residentIdProblem } from './resident-id.ts';

describe('resident ID number (GB 11643)', () => {
  it('accepts the standard example 11010519491231002X: Σ digit × weight = 167, 167 mod 11 = 2 → X', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdProblem('11010519491231002X')).toBeNull();
    expect(residentIdProblem('11010519491231002x')).toBeNull();
    expect(residentIdProblem(' 110105 19491231 002X ')).toBeNull();
  });

  it('names the check character it expected', () => {
    expect(residentIdProblem('110105194912310021')).toEqual({ key: 'id_number_checksum', params: { expected: 'X' } });
    expect(residentIdProblem('440524188001010014')).toEqual({
      key: 'id_number_birth_date',
      params: { date: '1880-01-01' },
    });
    expect(residentIdProblem('440524198001010018')).toEqual({ key: 'id_number_checksum', params: { expected: '3' } });
    expect(residentIdProblem('440524198001010013')).toBeNull();
  });

  it('wants 18 characters, 17 digits then a digit or X', () => {
    expect(residentIdProblem('1101051949123100')).toEqual({ key: 'id_number_length', params: { length: 16 } });
    expect(residentIdProblem('110105194912310')).toEqual({ key: 'id_number_old_format' });
    expect(residentIdProblem('11010519491231002Y')).toEqual({ key: 'id_number_characters' });
    expect(residentIdProblem('1101051949123100AX')).toEqual({ key: 'id_number_characters' });
  });

  it('wants a real birth date, not in the future', () => {
    expect(residentIdProblem(makeResidentId('110105', '1990-02-30', 1))).toEqual({
      key: 'id_number_birth_date',
      params: { date: '1990-02-30' },
    });
    expect(residentIdProblem(makeResidentId('110105', '2000-02-29', 1))).toBeNull();
    expect(residentIdProblem(makeResidentId('110105', '2027-01-01', 1), '2026-11-26')).toMatchObject({
      key: 'id_number_birth_date',
    });
  });

  it('wants a province code that exists', () => {
    expect(residentIdProblem(makeResidentId('990105', '1990-01-01', 1))).toEqual({
      key: 'id_number_region',
      params: { region: '99' },
    });
  });

  it('builds valid numbers for demo data', () => {
    for (let sequence = 0; sequence < 1000; sequence += 37) {
      expect(residentIdProblem(makeResidentId('500118', '1985-06-15', sequence))).toBeNull();
    }
  });
});
