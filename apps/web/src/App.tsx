import { Dashboard } from './dashboard/Dashboard';
import type { Route } from './router';
import { VolunteerPage } from './volunteer/VolunteerPage';

export function App({ route }: { route: Route }) {
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/">
          <span className="brand-mark" aria-hidden="true" />
          Tabgrid
        </a>
        <nav className="nav">
          <a href="/" aria-current={route === 'dashboard' ? 'page' : undefined}>
            Dashboard
          </a>
          <a href="/contribute" aria-current={route === 'contribute' ? 'page' : undefined}>
            Contribute
          </a>
        </nav>
      </header>
      <main className="page">{route === 'dashboard' ? <Dashboard /> : <VolunteerPage />}</main>
    </div>
  );
}


