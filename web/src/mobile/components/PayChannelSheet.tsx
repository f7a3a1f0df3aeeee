import { Button, NoticeBar, Popup, SafeArea } from 'antd-mobile';
import { useState } from 'react';
import { errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { type PayOption, payOptions } from '../pay.ts';
import type { PayChannel } from '../portal-api.ts';

interface PayChannelSheetProps {
  visible: boolean;
  amountFen: number | bigint;
  onClose: () => void;
  /** Creates the order and continues to the channel; a failure is shown in the sheet. */
  onPay: (channel: PayChannel) => Promise<void>;
}

function OptionRow({ option, chosen, onChoose }: { option: PayOption; chosen: boolean; onChoose: () => void }) {
  return (
    <button
      type="button"
      onClick={onChoose}
      data-testid={`m-channel-${option.method}`}
      data-channel={option.channel}
      aria-pressed={chosen}
      style={{
        display: 'flex',
        alignItems: 'center',
        width: '100%',
        gap: 12,
        padding: '14px 16px',
        border: 'none',
        borderBottom: '1px solid var(--adm-color-border)',
        background: '#fff',
        textAlign: 'left',
        fontSize: 16,
        color: 'inherit',
      }}
    >
      <span
        aria-hidden
        style={{
          width: 32,
          height: 32,
          borderRadius: 8,
          background: option.color,
          color: '#fff',
          display: 'inline-flex',
          alignItems: 'center',
          justifyContent: 'center',
          fontWeight: 600,
          flex: 'none',
        }}
      >
        {option.mark}
      </span>
      <span style={{ flex: 1 }}>
        <span style={{ display: 'block' }}>{option.name}</span>
        <span style={{ display: 'block', fontSize: 12, color: 'var(--adm-color-weak)' }}>{option.hint}</span>
      </span>
      <span
        aria-hidden
        style={{
          width: 20,
          height: 20,
          borderRadius: '50%',
          border: `2px solid ${chosen ? 'var(--adm-color-primary)' : 'var(--adm-color-light)'}`,
          background: chosen ? 'var(--adm-color-primary)' : '#fff',
          boxShadow: chosen ? 'inset 0 0 0 3px #fff' : undefined,
          flex: 'none',
        }}
      />
    </button>
  );
}

/** 选择支付方式: the channels that fit this device, then 确认支付. */
export function PayChannelSheet({ visible, amountFen, onClose, onPay }: PayChannelSheetProps) {
  const options = payOptions();
  const [chosen, setChosen] = useState<PayChannel>(options[0]!.channel);
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function pay() {
    setError(null);
    setPaying(true);
    try {
      await onPay(chosen);
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      // The page is usually gone by now (off to the channel); if not, the button is usable again.
      setPaying(false);
    }
  }

  return (
    <Popup
      visible={visible}
      onMaskClick={paying ? undefined : onClose}
      bodyStyle={{ borderTopLeftRadius: 12, borderTopRightRadius: 12 }}
      // Rendered (hidden) with the page, so a tap on 去支付 only has to show it.
      forceRender
      data-testid="m-channel-sheet"
    >
      <div style={{ padding: '16px 16px 8px', textAlign: 'center' }}>
        <div style={{ fontSize: 16, fontWeight: 600 }}>选择支付方式</div>
        <div style={{ fontSize: 28, fontWeight: 600, marginTop: 8 }} data-testid="m-channel-amount">
          {formatFen(amountFen)}
        </div>
      </div>
      {error && <NoticeBar content={error} color="error" wrap data-testid="m-channel-error" />}
      <div role="radiogroup" aria-label="支付方式">
        {options.map((option) => (
          <OptionRow
            key={option.channel}
            option={option}
            chosen={chosen === option.channel}
            onChoose={() => setChosen(option.channel)}
          />
        ))}
      </div>
      <div style={{ padding: '16px 16px 8px', display: 'flex', gap: 12 }}>
        <Button style={{ flex: 1 }} size="large" onClick={onClose} disabled={paying} data-testid="m-channel-cancel">
          取消
        </Button>
        <Button
          style={{ flex: 2 }}
          color="primary"
          size="large"
          loading={paying}
          onClick={() => void pay()}
          data-testid="m-channel-confirm"
        >
          确认支付
        </Button>
      </div>
      <SafeArea position="bottom" />
    </Popup>
  );
}
