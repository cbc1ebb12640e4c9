exports.up = async function (knex) {
  const posts = await knex('posts').select('id', 'title');
  for (const post of posts) {
    await knex('posts').where({ id: post.id }).update({ slug: post.title.toLowerCase().replace(/\W+/g, '-') });
  }
};

exports.down = async function () {};
