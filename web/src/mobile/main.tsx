import { unstableSetRender } from 'antd-mobile';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { PortalApp } from './App.tsx';

// antd-mobile 5 renders Toast and Dialog with React 18's legacy API; React 19 needs createRoot
// (https://mobile.ant.design/guide/v5-for-19).
unstableSetRender((node, container) => {
  const host = container as (Element | DocumentFragment) & { _reactRoot?: Root };
  host._reactRoot ??= createRoot(host);
  const root = host._reactRoot;
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    host._reactRoot = undefined;
  };
});

const container = document.getElementById('root');
if (!container) throw new Error('m/index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <PortalApp />
  </StrictMode>,
);
