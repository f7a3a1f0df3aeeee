// 列设置: which table columns a list shows, remembered per list in localStorage (as Ant Design Pro's column settings).

import { SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Divider, Popover, Space, Tooltip } from 'antd';
import { useCallback, useState } from 'react';
import type { ListColumn } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';

const storageKey = (list: string) => `assetpay.columns.${list}`;

function storedHidden(list: string, defaults: readonly string[]): string[] {
  try {
    const text = localStorage.getItem(storageKey(list));
    const value: unknown = text ? JSON.parse(text) : null;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [...defaults];
  } catch {
    return [...defaults];
  }
}

export interface ColumnSettings {
  hidden: string[];
  setHidden: (hidden: string[]) => void;
  /** The columns with the hidden ones kept for the search form but out of the table. */
  apply: <Row>(columns: ListColumn<Row>[]) => ListColumn<Row>[];
}

/** `defaults`: columns hidden until the person chooses otherwise. */
export function useColumnSettings(list: string, defaults: readonly string[] = []): ColumnSettings {
  const [hidden, setHiddenState] = useState<string[]>(() => storedHidden(list, defaults));
  const setHidden = useCallback(
    (next: string[]) => {
      setHiddenState(next);
      try {
        localStorage.setItem(storageKey(list), JSON.stringify(next));
      } catch {
        // Storage refused (private browsing): the choice lasts for this page only.
      }
    },
    [list],
  );
  const apply = useCallback(
    <Row,>(columns: ListColumn<Row>[]) =>
      columns.map((column) => (hidden.includes(column.key) ? { ...column, hideInTable: true } : column)),
    [hidden],
  );
  return { hidden, setHidden, apply };
}

/** The toolbar button: a checkbox per column that may be hidden (the actions column always shows). */
export function ColumnSettingsButton<Row>({
  columns,
  settings,
  testId,
}: {
  columns: ListColumn<Row>[];
  settings: ColumnSettings;
  testId?: string;
}) {
  const { t } = useI18n();
  const choosable = columns.filter((column) => !column.hideInTable && column.key !== 'actions');
  const shown = choosable.filter((column) => !settings.hidden.includes(column.key)).map((column) => column.key);
  const content = (
    <div style={{ minWidth: 160 }} data-testid={testId && `${testId}-panel`}>
      <Checkbox.Group
        value={shown}
        onChange={(checked) =>
          settings.setHidden(choosable.map((column) => column.key).filter((key) => !checked.includes(key)))
        }
      >
        <Space orientation="vertical" size={4}>
          {choosable.map((column) => (
            <Checkbox key={column.key} value={column.key}>
              {column.title}
            </Checkbox>
          ))}
        </Space>
      </Checkbox.Group>
      <Divider style={{ margin: '8px 0' }} />
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => settings.setHidden([])}>
        {t('list.columnsShowAll')}
      </Button>
    </div>
  );
  return (
    <Popover content={content} title={t('list.columns')} trigger="click" placement="bottomRight">
      <Tooltip title={t('list.columns')}>
        <Button icon={<SettingOutlined />} aria-label={t('list.columns')} data-testid={testId} />
      </Tooltip>
    </Popover>
  );
}
