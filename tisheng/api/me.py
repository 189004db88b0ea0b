from ninja import Field, Router, Schema

from tisheng.accounts.scope import Scope

router = Router(tags=["account"])


class MeOut(Schema):
    username: str = Field(description="用户名 · username")
    display_name: str = Field(description="姓名 · name")
    roles: list[str] = Field(description="当前学期有效的角色 · roles valid this term")


@router.get("/me", response=MeOut, url_name="me", summary="The caller's account and roles")
def me(request):
    user = request.auth
    return MeOut(username=user.username, display_name=user.display_name, roles=sorted(Scope.of(user).roles))
