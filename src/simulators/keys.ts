// Keys for one merchant and the channel simulators it talks to, made fresh (the demo's first start, every test run):
// nothing secret is in the repo. The merchant side is what an org's channel settings hold; the simulator side is
// what the simulators sign and verify with. UnionPay needs certificates: a root, an intermediate, the simulator's
// signing certificate (sent as signPubKeyCert) and the merchant's signing certificate (its serial is the certId).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { MerchantAccounts } from '../modules/payments/channels/types.ts';

export interface SimulatorMerchant {
  wechatpay: { mchid: string; appid: string; merchantSerialNo: string; merchantPublicKeyPem: string; apiV3Key: string };
  alipay: { appId: string; appPublicKeyPem: string; sellerId: string };
  unionpay: { merId: string; certId: string; merchantCertPem: string };
}

export interface SimulatorKeys {
  wechatpay: { platformPublicKeyId: string; platformPrivateKeyPem: string; platformPublicKeyPem: string };
  alipay: { alipayPrivateKeyPem: string; alipayPublicKeyPem: string };
  unionpay: {
    rootCertPem: string;
    middleCertPem: string;
    /** The simulator's signing certificate (signPubKeyCert), issued by the intermediate. */
    signCertPem: string;
    signPrivateKeyPem: string;
  };
}

export interface ChannelKeys {
  /** What the org's channel settings hold, base URLs pointing at the simulator. */
  accounts: MerchantAccounts;
  simulator: { keys: SimulatorKeys; merchant: SimulatorMerchant };
}

function rsaPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

const digits = (length: number) =>
  Array.from(randomBytes(length), (byte) => String(byte % 10))
    .join('')
    .replace(/^0/, '1');

const subject = (commonName: string): forge.pki.CertificateField[] => [
  { name: 'countryName', value: 'CN' },
  { name: 'organizationName', value: 'AssetPay Channel Simulator' },
  // UTF8String: forge writes PrintableString unless told, which cannot hold Chinese.
  {
    name: 'commonName',
    value: commonName, // forge's typings call the tag's type a class.
    valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
  },
];

/** An X.509 certificate for `publicKeyPem`, issued by `issuer` (self-signed when absent). */
function certificate(input: {
  commonName: string;
  serialDecimal: string;
  publicKeyPem: string;
  issuer?: { cert: forge.pki.Certificate; privateKeyPem: string };
  selfPrivateKeyPem?: string;
  ca: boolean;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(input.publicKeyPem);
  cert.serialNumber = BigInt(input.serialDecimal).toString(16).padStart(2, '0');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3_600_000);
  cert.setSubject(subject(input.commonName));
  cert.setIssuer(input.issuer ? input.issuer.cert.subject.attributes : subject(input.commonName));
  cert.setExtensions([
    { name: 'basicConstraints', cA: input.ca, critical: true },
    { name: 'keyUsage', keyCertSign: input.ca, cRLSign: input.ca, digitalSignature: true, critical: true },
  ]);
  const signingKey = input.issuer?.privateKeyPem ?? input.selfPrivateKeyPem!;
  cert.sign(forge.pki.privateKeyFromPem(signingKey), forge.md.sha256.create());
  return cert;
}

/** Fresh keys for one merchant at all three channels, and for the simulators at `simulatorBaseUrl`. */
export function generateChannelKeys(simulatorBaseUrl: string): ChannelKeys {
  const base = simulatorBaseUrl.replace(/\/+$/, '');

  const wechatMerchant = rsaPair();
  const wechatPlatform = rsaPair();
  const wechat = {
    mchid: `19${digits(8)}`,
    appid: `wx${randomBytes(8).toString('hex')}`,
    merchantSerialNo: randomBytes(20).toString('hex').toUpperCase(),
    apiV3Key: randomBytes(24).toString('base64url').slice(0, 32),
    platformPublicKeyId: `PUB_KEY_ID_${digits(30)}`,
  };

  const alipayApp = rsaPair();
  const alipayPlatform = rsaPair();
  const alipay = { appId: `2021${digits(12)}`, sellerId: `2088${digits(12)}` };

  const rootKeys = rsaPair();
  const middleKeys = rsaPair();
  const unionSignKeys = rsaPair();
  const merchantSignKeys = rsaPair();
  const root = certificate({
    commonName: 'CFCA TEST ROOT (simulator)',
    serialDecimal: digits(10),
    publicKeyPem: rootKeys.publicKeyPem,
    selfPrivateKeyPem: rootKeys.privateKeyPem,
    ca: true,
  });
  const middle = certificate({
    commonName: 'CFCA TEST OCA1 (simulator)',
    serialDecimal: digits(10),
    publicKeyPem: middleKeys.publicKeyPem,
    issuer: { cert: root, privateKeyPem: rootKeys.privateKeyPem },
    ca: true,
  });
  const unionSign = certificate({
    // The real gateway's signing certificate names 中国银联股份有限公司 in its CN.
    commonName: '中国银联股份有限公司 (simulator)',
    serialDecimal: digits(11),
    publicKeyPem: unionSignKeys.publicKeyPem,
    issuer: { cert: middle, privateKeyPem: middleKeys.privateKeyPem },
    ca: false,
  });
  const merchantCertId = digits(11);
  const merchantSign = certificate({
    commonName: 'AssetPay merchant (simulator)',
    serialDecimal: merchantCertId,
    publicKeyPem: merchantSignKeys.publicKeyPem,
    issuer: { cert: middle, privateKeyPem: middleKeys.privateKeyPem },
    ca: false,
  });
  const merId = `777${digits(12)}`;
  const pem = (cert: forge.pki.Certificate) => forge.pki.certificateToPem(cert);

  return {
    accounts: {
      wechatpay: {
        settings: {
          mchid: wechat.mchid,
          appid: wechat.appid,
          merchantSerialNo: wechat.merchantSerialNo,
          baseUrl: `${base}/wechatpay`,
          platformPublicKeyId: wechat.platformPublicKeyId,
          platformPublicKeyPem: wechatPlatform.publicKeyPem,
        },
        secrets: { merchantPrivateKeyPem: wechatMerchant.privateKeyPem, apiV3Key: wechat.apiV3Key },
      },
      alipay: {
        settings: {
          appId: alipay.appId,
          gateway: `${base}/alipay/gateway.do`,
          alipayPublicKeyPem: alipayPlatform.publicKeyPem,
          sellerId: alipay.sellerId,
        },
        secrets: { appPrivateKeyPem: alipayApp.privateKeyPem },
      },
      unionpay: {
        settings: {
          merId,
          baseUrl: `${base}/unionpay/gateway/api`,
          certId: merchantCertId,
          rootCertPem: pem(root),
          middleCertPem: pem(middle),
        },
        secrets: { signPrivateKeyPem: merchantSignKeys.privateKeyPem },
      },
    },
    simulator: {
      keys: {
        wechatpay: {
          platformPublicKeyId: wechat.platformPublicKeyId,
          platformPrivateKeyPem: wechatPlatform.privateKeyPem,
          platformPublicKeyPem: wechatPlatform.publicKeyPem,
        },
        alipay: { alipayPrivateKeyPem: alipayPlatform.privateKeyPem, alipayPublicKeyPem: alipayPlatform.publicKeyPem },
        unionpay: {
          rootCertPem: pem(root),
          middleCertPem: pem(middle),
          signCertPem: pem(unionSign),
          signPrivateKeyPem: unionSignKeys.privateKeyPem,
        },
      },
      merchant: {
        wechatpay: {
          mchid: wechat.mchid,
          appid: wechat.appid,
          merchantSerialNo: wechat.merchantSerialNo,
          merchantPublicKeyPem: wechatMerchant.publicKeyPem,
          apiV3Key: wechat.apiV3Key,
        },
        alipay: { appId: alipay.appId, appPublicKeyPem: alipayApp.publicKeyPem, sellerId: alipay.sellerId },
        unionpay: { merId, certId: merchantCertId, merchantCertPem: pem(merchantSign) },
      },
    },
  };
}
