import './polyfills';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { functionsStore, volunteerStore } from './app-stores';
import { routeFor } from './router';

const route = routeFor(window.location.pathname);
document.title = route === 'contribute' ? 'Contribute your CPU · Tabgrid' : 'Dashboard · Tabgrid';

if (route === 'dashboard') {
  void functionsStore.getState().refresh();
} else {
  // Tests and kiosks open /contribute?autostart=1; everyone else presses Start.
  if (new URLSearchParams(window.location.search).get('autostart') === '1') void volunteerStore.getState().start();
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App route={route} />
  </StrictMode>,
);
