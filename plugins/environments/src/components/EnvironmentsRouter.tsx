import { Route, Routes } from 'react-router-dom';
import { StatusHistoryProvider } from '../hooks/statusHistoryContext';
import { EnvironmentPage } from './EnvironmentPage';
import { EnvironmentsPage } from './EnvironmentsPage';
import { RequestEnvironmentPage } from './RequestEnvironment';

/**
 * The routes under `/environments`; see `routes.ts` for their refs. The
 * status history outlives each page, so that a new environment's page knows
 * when it started provisioning even if that happened while the request form
 * was still waiting for its answer.
 */
export function EnvironmentsRouter() {
  return (
    <StatusHistoryProvider>
      <Routes>
        <Route path="/" element={<EnvironmentsPage />} />
        <Route path="/new" element={<RequestEnvironmentPage />} />
        <Route path="/:id" element={<EnvironmentPage />} />
      </Routes>
    </StatusHistoryProvider>
  );
}
