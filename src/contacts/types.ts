// Plain types for the contacts directory, so the built-in directory loads without zod.

export const enrolleeTypes = ["commercial", "medicare", "tricare"] as const;
export type Enrollee = (typeof enrolleeTypes)[number];

export const contactTopics = ["prescriptions", "benefits", "registration", "website", "security"] as const;
export type ContactTopic = (typeof contactTopics)[number];

/** Words people type for a topic, mapped to the topic. */
export const topicAliases: Readonly<Record<string, ContactTopic>> = {
  prescriptions: "prescriptions",
  prescription: "prescriptions",
  pharmacy: "prescriptions",
  refills: "prescriptions",
  orders: "prescriptions",
  benefits: "benefits",
  benefit: "benefits",
  coverage: "benefits",
  general: "benefits",
  registration: "registration",
  register: "registration",
  website: "website",
  web: "website",
  technical: "website",
  "sign-in": "website",
  signin: "website",
  login: "website",
  password: "website",
  app: "website",
  security: "security",
  fraud: "security",
  privacy: "security",
};

export interface Contact {
  id: string;
  name: string;
  /** What to call this line for, in one sentence. */
  purpose: string;
  phone: string;
  tty?: string;
  /** Opening hours in words; absent when the source does not state them. */
  hours?: string;
  enrollees: Enrollee[];
  topics: ContactTopic[];
}

export interface ContactsDirectory {
  /** Advice shown above every listing. */
  advice: string;
  contacts: Contact[];
}
