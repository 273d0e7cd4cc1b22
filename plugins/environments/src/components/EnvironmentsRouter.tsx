import { Route, Routes } from 'react-router-dom';
import { DeployPage } from './DeployForm';
import { EnvironmentPage } from './EnvironmentPage';
import { EnvironmentsPage } from './EnvironmentsPage';
import { RequestEnvironmentPage } from './RequestEnvironment';

/** The routes under `/environments`; see `routes.ts` for their refs. */
export function EnvironmentsRouter() {
  return (
    <Routes>
      <Route path="/" element={<EnvironmentsPage />} />
      <Route path="/new" element={<RequestEnvironmentPage />} />
      <Route path="/:id" element={<EnvironmentPage />} />
      <Route path="/:id/deploy" element={<DeployPage />} />
    </Routes>
  );
}
