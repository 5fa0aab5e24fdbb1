// The DevTools page only adds the panel; the panel page does the work. The tab id travels in the
// URL so the same page also works as a pop-out tab, where the DevTools API is undefined.
import { createDevtoolsPanel, devtoolsThemeName, inspectedTabId } from '../platform/devtools-api';

const tabId = inspectedTabId();
const theme = devtoolsThemeName() === 'dark' ? 'dark' : 'light';
createDevtoolsPanel('CORS', '/icons/icon-32.png', `/src/panel/panel.html?tabId=${tabId}&theme=${theme}&devtools=1`);
