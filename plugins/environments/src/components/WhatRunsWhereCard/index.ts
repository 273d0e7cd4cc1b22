export { WhatRunsWhereCard } from './WhatRunsWhereCard';
