// The app's Drizzle schema and database handle, shared by the drizzle examples.
import { boolean, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export const articles = pgTable('articles', {
  id: serial('id').primaryKey(),
  authorId: integer('author_id').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  slug: text('slug'),
  wordCount: integer('word_count'),
  published: boolean('published').notNull().default(false),
  updatedAt: timestamp('updated_at').notNull().defaultNow(),
});

export const articleRevisions = pgTable('article_revisions', {
  id: serial('id').primaryKey(),
  articleId: integer('article_id').notNull(),
  createdAt: timestamp('created_at').notNull().defaultNow(),
});

export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
export type Db = typeof db;

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

export function countWords(body: string): number {
  return body.split(/\s+/).filter(Boolean).length;
}
