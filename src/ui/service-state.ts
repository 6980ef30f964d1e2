// The portal's service states and components in words, the same in `status` and the doctor.
import type { ComponentName, ServiceState } from "../portal/schemas.js";

export const serviceStateWords: Record<ServiceState, string> = {
  operational: "working normally",
  degraded: "working, but slow or partly failing",
  maintenance: "down for planned maintenance",
  outage: "down (unplanned outage)",
};

export const componentNames: Record<ComponentName, string> = {
  login: "Sign-in",
  password_reset: "Password reset",
  refills: "Refills",
  orders: "Orders",
  id_card: "ID card",
  mobile_app: "Mobile app",
};
