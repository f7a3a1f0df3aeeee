import { LockOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Form, Input, Modal, Radio, Select, Space, Tag } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useRef, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { type Role, type UserRow, usersApi } from '../../api.ts';
import { showFieldErrors, validValues } from '../../components/form-errors.ts';
import {
  type ListColumn,
  ListPage,
  type ListPageAction,
  type ListRequest,
  type ValueEnum,
} from '../../components/ListPage.tsx';
import type { MessageKey, MessageParams } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { passwordParams, passwordPolicyRule } from '../../password-policy.ts';
import { roleName, useRoles } from '../../roles.ts';
import { useSession } from '../../session.tsx';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** “张三（zhangsan）”: how confirmations name the user they act on. */
const nameOf = (user: Pick<UserRow, 'displayName' | 'username'>) => `${user.displayName}（${user.username}）`;

const isLocked = (user: UserRow) => user.lockedUntil !== null && dayjs(user.lockedUntil).isAfter(dayjs());

const formatTime = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm');

interface UserActions {
  edit: (user: UserRow) => void;
  unlock: (user: UserRow) => void;
  resetPassword: (user: UserRow) => void;
}

const statusEnum = (t: Translate): ValueEnum => ({
  active: { text: t('users.status.active'), status: 'success' },
  disabled: { text: t('users.status.disabled'), status: 'default' },
});

/** The user list, declared once: table columns and the search form that filters them. */
function userColumns(options: {
  t: Translate;
  roleLabel: (code: string) => string;
  roles: Role[];
  canManage: boolean;
  actions: UserActions;
}): ListColumn<UserRow>[] {
  const { t, roleLabel, roles, canManage, actions } = options;
  const status = statusEnum(t);
  const columns: ListColumn<UserRow>[] = [
    {
      key: 'q',
      title: t('users.keyword'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('users.keywordPlaceholder') },
    },
    { key: 'username', title: t('users.username'), dataIndex: 'username' },
    { key: 'displayName', title: t('users.displayName'), dataIndex: 'displayName' },
    {
      key: 'role',
      title: t('users.roles'),
      render: (user) => user.roles.map((code) => <Tag key={code}>{roleLabel(code)}</Tag>),
      search: { type: 'select', options: roles.map((role) => ({ value: role.code, label: roleLabel(role.code) })) },
    },
    {
      key: 'status',
      title: t('users.status'),
      dataIndex: 'status',
      valueEnum: status,
      render: (user) => (
        <Space size={4} wrap>
          <Badge status={status[user.status]?.status} text={status[user.status]?.text ?? user.status} />
          {isLocked(user) && user.lockedUntil && (
            <Tag color="orange" icon={<LockOutlined />}>
              {t('users.lockedUntil', { time: formatTime(user.lockedUntil) })}
            </Tag>
          )}
        </Space>
      ),
      search: { type: 'select' },
    },
    {
      key: 'lastLoginAt',
      title: t('users.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      valueType: 'dateTime',
      emptyText: t('users.never'),
    },
    { key: 'createdAt', title: t('users.createdAt'), dataIndex: 'createdAt', valueType: 'dateTime' },
  ];
  if (canManage) {
    columns.push({
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (user) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => actions.edit(user)}>
            {t('users.edit')}
          </Button>
          {isLocked(user) && (
            <Button type="link" size="small" onClick={() => actions.unlock(user)}>
              {t('users.unlock')}
            </Button>
          )}
          <Button type="link" size="small" onClick={() => actions.resetPassword(user)}>
            {t('users.resetPassword')}
          </Button>
        </Space>
      ),
    });
  }
  return columns;
}

const listUsers: ListRequest<UserRow> = ({ page, pageSize, q, role, status }) =>
  usersApi.list({
    page,
    pageSize,
    q: typeof q === 'string' ? q : undefined,
    role: typeof role === 'string' ? role : undefined,
    status: typeof status === 'string' ? status : undefined,
  });

export default function UsersPage() {
  const { t, language } = useI18n();
  const { modal, message } = App.useApp();
  const { can } = useSession();
  const { roles } = useRoles();
  const list = useRef<ListPageAction>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [resetting, setResetting] = useState<UserRow | null>(null);

  const roleLabel = useCallback((code: string) => roleName(code, roles, language, t), [roles, language, t]);
  const roleOptions = roles.map((role) => ({ value: role.code, label: roleLabel(role.code) }));
  const reload = () => list.current?.reload();

  const actions: UserActions = {
    edit: setEditing,
    resetPassword: setResetting,
    unlock: (user) =>
      modal.confirm({
        title: t('users.unlockTitle', { user: nameOf(user) }),
        content: t('users.unlockContent', { time: user.lockedUntil ? formatTime(user.lockedUntil) : '-' }),
        okText: t('users.unlock'),
        cancelText: t('common.cancel'),
        onOk: async () => {
          try {
            await usersApi.unlock(user.id);
            message.success(t('users.unlocked', { user: nameOf(user) }));
            reload();
          } catch (failure) {
            message.error(errorDetail(failure));
          }
        },
      }),
  };

  return (
    <>
      <ListPage<UserRow>
        title={t('users.title')}
        rowKey="id"
        actionRef={list}
        request={listUsers}
        columns={userColumns({ t, roleLabel, roles, canManage: can('user:manage'), actions })}
        toolbar={
          can('user:manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-create">
              {t('users.create')}
            </Button>
          )
        }
      />
      <CreateUserModal
        open={creating}
        roleOptions={roleOptions}
        onClose={() => setCreating(false)}
        onCreated={(user) => {
          setCreating(false);
          message.success(t('users.created', { user: nameOf(user) }));
          reload();
        }}
      />
      <EditUserModal
        user={editing}
        roleOptions={roleOptions}
        onClose={() => setEditing(null)}
        onSaved={(user) => {
          setEditing(null);
          message.success(t('users.saved', { user: nameOf(user) }));
          reload();
        }}
      />
      <ResetPasswordModal
        user={resetting}
        onClose={() => setResetting(null)}
        onReset={(user) => {
          setResetting(null);
          message.success(t('users.passwordReset', { user: nameOf(user) }));
        }}
      />
    </>
  );
}

type RoleOption = { value: string; label: string };

interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
}

function CreateUserModal({
  open,
  roleOptions,
  onClose,
  onCreated,
}: {
  open: boolean;
  roleOptions: RoleOption[];
  onClose: () => void;
  onCreated: (user: UserRow) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<NewUser>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      onCreated(
        await usersApi.create({ ...values, username: values.username.trim(), displayName: values.displayName.trim() }),
      );
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['username', 'displayName', 'password', 'roles']))
        setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      title={t('users.createTitle')}
      open={open}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} name="newUser" layout="vertical" preserve={false} autoComplete="off">
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: true, whitespace: true, message: t('users.usernameRequired') }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.initialPassword')}
          extra={t('password.hint', passwordParams)}
          dependencies={['username']}
          rules={[
            { required: true, message: t('password.required') },
            passwordPolicyRule(t, () => form.getFieldValue('username')),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="roles"
          label={t('users.roles')}
          rules={[{ required: true, type: 'array', min: 1, message: t('users.rolesRequired') }]}
        >
          <Select mode="multiple" options={roleOptions} placeholder={t('common.select')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface UserChanges {
  displayName: string;
  roles: string[];
  status: UserRow['status'];
}

function EditUserModal({
  user,
  roleOptions,
  onClose,
  onSaved,
}: {
  user: UserRow | null;
  roleOptions: RoleOption[];
  onClose: () => void;
  onSaved: (user: UserRow) => void;
}) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const [form] = Form.useForm<UserChanges>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(target: UserRow, changes: UserChanges) {
    setSaving(true);
    setError(null);
    try {
      onSaved(await usersApi.update(target.id, { ...changes, displayName: changes.displayName.trim() }));
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['displayName', 'roles', 'status'])) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  async function save() {
    if (!user) return;
    const changes = await validValues(form);
    if (!changes) return;
    if (user.status === 'active' && changes.status === 'disabled') {
      // Disabling locks a person out: say whom before doing it.
      modal.confirm({
        title: t('users.disableTitle', { user: nameOf(user) }),
        content: t('users.disableContent'),
        okButtonProps: { danger: true },
        okText: t('common.ok'),
        cancelText: t('common.cancel'),
        onOk: () => submit(user, changes),
      });
      return;
    }
    await submit(user, changes);
  }

  const status = statusEnum(t);
  return (
    <Modal
      title={user ? t('users.editTitle', { user: nameOf(user) }) : ''}
      open={user !== null}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {user && (
        <Form
          form={form}
          name="editUser"
          layout="vertical"
          preserve={false}
          initialValues={{ displayName: user.displayName, roles: user.roles, status: user.status }}
        >
          <Form.Item label={t('users.username')}>
            <Input value={user.username} disabled />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('users.displayName')}
            rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="roles"
            label={t('users.roles')}
            rules={[{ required: true, type: 'array', min: 1, message: t('users.rolesRequired') }]}
          >
            <Select mode="multiple" options={roleOptions} placeholder={t('common.select')} />
          </Form.Item>
          <Form.Item name="status" label={t('users.status')}>
            <Radio.Group
              optionType="button"
              options={Object.entries(status).map(([value, { text }]) => ({ value, label: text }))}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

function ResetPasswordModal({
  user,
  onClose,
  onReset,
}: {
  user: UserRow | null;
  onClose: () => void;
  onReset: (user: UserRow) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ password: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    if (!user) return;
    const values = await validValues(form);
    if (!values) return;
    const { password } = values;
    setSaving(true);
    setError(null);
    try {
      await usersApi.resetPassword(user.id, password);
      onReset(user);
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['password'])) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      title={user ? t('users.resetPasswordTitle', { user: nameOf(user) }) : ''}
      open={user !== null}
      onOk={save}
      onCancel={onClose}
      okText={t('users.resetPasswordOk')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} name="resetPassword" layout="vertical" preserve={false} autoComplete="off">
        <Form.Item
          name="password"
          label={t('password.new')}
          extra={t('password.hint', passwordParams)}
          rules={[{ required: true, message: t('password.required') }, passwordPolicyRule(t, () => user?.username)]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
