// 树形视图: one project and everything below it (buildings, floors, units, parking…), from GET /assets/{id}/tree.

import { Alert, Badge, Card, Empty, Select, Space, Spin, Tag, Tree, type TreeDataNode, Typography } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { useI18n } from '../../language.tsx';
import { assetName, formatArea, statusBadge, statusLabel, type Translate, typeLabel } from './asset-labels.ts';
import { type Asset, type AssetNode, assetsApi } from './assets-api.ts';

function countNodes(node: AssetNode): number {
  return node.children.reduce((sum, child) => sum + countNodes(child), 1);
}

function toTreeData(node: AssetNode, t: Translate): TreeDataNode {
  return {
    key: node.id,
    title: (
      <Space size={6} wrap data-testid={`asset-tree-node-${node.code}`}>
        <Typography.Text strong>{node.code}</Typography.Text>
        <span>{node.name}</span>
        <Tag>{typeLabel(node.type, t)}</Tag>
        <Badge status={statusBadge(node.status)} text={statusLabel(node.status, t)} />
        {node.areaSqm && <Typography.Text type="secondary">{formatArea(node.areaSqm)}</Typography.Text>}
      </Space>
    ),
    children: node.children.map((child) => toTreeData(child, t)),
  };
}

/** Keys of the nodes down to `depth` levels, expanded at first (a project's buildings and floors). */
function keysToDepth(node: AssetNode, depth: number): string[] {
  if (depth === 0 || node.children.length === 0) return [];
  return [node.id, ...node.children.flatMap((child) => keysToDepth(child, depth - 1))];
}

export function AssetTree({
  projects,
  projectId,
  onProjectChange,
  version,
  toolbar,
  onSelect,
}: {
  projects: Asset[];
  projectId: string | undefined;
  onProjectChange: (id: string) => void;
  /** Bumped after an edit so the tree reloads. */
  version: number;
  toolbar: ReactNode;
  onSelect: (assetId: string) => void;
}) {
  const { t } = useI18n();
  const [tree, setTree] = useState<AssetNode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [expanded, setExpanded] = useState<string[]>([]);

  useEffect(() => {
    if (!projectId) return;
    let live = true;
    setLoading(true);
    void version;
    assetsApi
      .tree(projectId)
      .then((answer) => {
        if (!live) return;
        setTree(answer);
        setError(null);
        setExpanded((current) =>
          current.length > 0 && current.includes(answer.id) ? current : keysToDepth(answer, 2),
        );
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [projectId, version]);

  const treeData = useMemo(() => (tree ? [toTreeData(tree, t)] : []), [tree, t]);

  return (
    <Card title={t('asset.treeTitle')} extra={toolbar} data-testid="asset-tree" styles={{ body: { minHeight: 320 } }}>
      <Space style={{ marginBottom: 16 }} wrap>
        <span>{t('asset.project')}</span>
        <Select
          style={{ minWidth: 280 }}
          value={projectId}
          onChange={onProjectChange}
          options={projects.map((project) => ({ value: project.id, label: assetName(project) }))}
          placeholder={t('common.select')}
          id="asset_tree_project"
          data-testid="asset-tree-project"
        />
        {tree && (
          <Typography.Text type="secondary">{t('asset.treeCount', { count: countNodes(tree) })}</Typography.Text>
        )}
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Spin spinning={loading}>
        {tree ? (
          <Tree
            showLine
            blockNode
            treeData={treeData}
            expandedKeys={expanded}
            onExpand={(keys) => setExpanded(keys.map(String))}
            selectedKeys={[]}
            onSelect={(keys) => {
              const [key] = keys;
              if (key !== undefined) onSelect(String(key));
            }}
          />
        ) : (
          !loading && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('asset.treeEmpty')} />
        )}
      </Spin>
    </Card>
  );
}
