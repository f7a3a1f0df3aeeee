import { useEffect, useState } from 'react';

/**
 * The channel's code URL as a QR code the tenant scans with the phone. Drawn in the browser as SVG; the encoder is
 * loaded only when a QR code is shown (desktop payments), so the phone flow never downloads it.
 */
export function PayQrCode({ text, size = 220 }: { text: string; size?: number }) {
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    import('qrcode')
      // A CommonJS package: its functions arrive on the default export or on the namespace, by bundler.
      .then((module) =>
        (module.default ?? module).toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }),
      )
      .then(
        (markup) => current && setSvg(markup),
        () => current && setFailed(true),
      );
    return () => {
      current = false;
    };
  }, [text]);

  const box = { width: size, height: size, margin: '0 auto', display: 'block' } as const;
  if (failed) {
    return (
      <div style={{ ...box, display: 'flex', alignItems: 'center', justifyContent: 'center', color: '#999' }}>
        二维码生成失败，请刷新页面
      </div>
    );
  }
  if (!svg) return <div style={{ ...box, background: '#f5f5f5' }} />;
  return (
    <img
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt="支付二维码"
      style={box}
      data-testid="m-qr"
      data-code-url={text}
    />
  );
}
