'use strict';

exports.up = async function (knex) {
  const users = await knex('users');
  for (const u of users) {
    await knex('users').where({ id: u.id }).update({ name: u.name.trim() });
  }
};

exports.down = async function () {};
